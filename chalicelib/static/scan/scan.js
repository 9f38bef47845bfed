/* The checkpoint's scanner (/scan): reads a document's QR with the camera (jsQR), checks
 * its offline seal (COSE_Sign1, ES256, over a CWT; zlib; base45 behind "JF1:") with
 * WebCrypto against the trust list, and the signed revocation list, all without a
 * network once the lists are stored; shows the verdict full-screen; queues every scan
 * and sends the queue to POST /api/scans when online. Python's twin of the checks:
 * chalicelib/documents/seal.py (check_offline). */
"use strict";

(function () {
  const WORDS = JSON.parse(document.getElementById("words").textContent);
  const STORE = {
    trust: "jf-trust-list",
    revocations: "jf-revocations",
    queue: "jf-scan-queue",
    checkpoint: "jf-checkpoint",
  };
  const DAY_MS = 24 * 3600 * 1000;
  const REFRESH_MS = 60 * 1000;
  const SAME_CODE_MS = 4000; // the same QR held in front of the camera: one scan
  const KINDS = { certificate: 1, docking_slip: 1, pass: 1 };

  // --- base45 (RFC 9285), CBOR (RFC 8949, what a seal holds), base64url --------------
  const B45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

  function base45Decode(text) {
    const out = [];
    for (let i = 0; i < text.length; i += 3) {
      const chunk = text.slice(i, i + 3);
      let n = 0;
      for (let j = chunk.length - 1; j >= 0; j--) {
        const v = B45.indexOf(chunk[j]);
        if (v < 0) throw new Error("malformed");
        n = n * 45 + v;
      }
      if (chunk.length === 3) {
        if (n > 0xffff) throw new Error("malformed");
        out.push(n >> 8, n & 0xff);
      } else if (chunk.length === 2) {
        if (n > 0xff) throw new Error("malformed");
        out.push(n);
      } else {
        throw new Error("malformed");
      }
    }
    return new Uint8Array(out);
  }

  function cborDecode(bytes) {
    let pos = 0;
    function length(info) {
      if (info < 24) return info;
      let size = { 24: 1, 25: 2, 26: 4, 27: 8 }[info];
      if (!size || pos + size > bytes.length) throw new Error("malformed");
      let n = 0;
      for (let i = 0; i < size; i++) n = n * 256 + bytes[pos++];
      return n;
    }
    function item(depth) {
      if (depth > 16 || pos >= bytes.length) throw new Error("malformed");
      const first = bytes[pos++];
      const major = first >> 5;
      const info = first & 31;
      if (major === 7) {
        if (info === 20) return false;
        if (info === 21) return true;
        if (info === 22 || info === 23) return null;
        throw new Error("malformed");
      }
      const n = length(info);
      switch (major) {
        case 0:
          return n;
        case 1:
          return -1 - n;
        case 2:
        case 3: {
          if (pos + n > bytes.length) throw new Error("malformed");
          const chunk = bytes.slice(pos, pos + n);
          pos += n;
          return major === 2 ? chunk : new TextDecoder("utf-8", { fatal: true }).decode(chunk);
        }
        case 4: {
          const list = [];
          for (let i = 0; i < n; i++) list.push(item(depth + 1));
          return list;
        }
        case 5: {
          const map = new Map();
          for (let i = 0; i < n; i++) {
            const key = item(depth + 1);
            map.set(key, item(depth + 1));
          }
          return map;
        }
        case 6:
          return { tag: n, value: item(depth + 1) };
      }
      throw new Error("malformed");
    }
    const value = item(0);
    if (pos !== bytes.length) throw new Error("malformed");
    return value;
  }

  function bstrHeader(n) {
    if (n < 24) return [0x40 + n];
    if (n < 256) return [0x58, n];
    if (n < 65536) return [0x59, n >> 8, n & 0xff];
    return [0x5a, (n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
  }

  function sigStructure(protectedBytes, payload) {
    // ["Signature1", protected, external_aad h'', payload] (RFC 9052, section 4.4)
    const label = new TextEncoder().encode("Signature1");
    const parts = [
      [0x84, 0x60 + label.length],
      label,
      bstrHeader(protectedBytes.length),
      protectedBytes,
      [0x40],
      bstrHeader(payload.length),
      payload,
    ];
    const size = parts.reduce((n, p) => n + p.length, 0);
    const out = new Uint8Array(size);
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }

  function b64urlBytes(text) {
    const b64 = text.replace(/-/g, "+").replace(/_/g, "/");
    const bin = atob(b64 + "===".slice((b64.length + 3) % 4));
    return Uint8Array.from(bin, (c) => c.charCodeAt(0));
  }

  function b64url(bytes) {
    let bin = "";
    bytes.forEach((b) => (bin += String.fromCharCode(b)));
    return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  async function inflate(bytes) {
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  }

  // --- the seal ---------------------------------------------------------------------
  const keyCache = new Map();

  async function publicKey(entry) {
    if (!keyCache.has(entry.kid)) {
      const jwk = { kty: "EC", crv: "P-256", x: entry.jwk.x, y: entry.jwk.y, ext: true };
      keyCache.set(
        entry.kid,
        crypto.subtle.importKey("jwk", jwk, { name: "ECDSA", namedCurve: "P-256" }, false, [
          "verify",
        ])
      );
    }
    return keyCache.get(entry.kid);
  }

  function chinaDay(ms) {
    return new Date(ms + 8 * 3600 * 1000).toISOString().slice(0, 10);
  }

  // A COSE_Sign1's payload (or the detached one), verified by a trust-list key whose
  // period holds `day` (a function of the payload: the seal's own issue day).
  async function verifySign1(message, keys, dayOf, detached) {
    const cose = cborDecode(message);
    if (!cose || cose.tag !== 18 || !Array.isArray(cose.value) || cose.value.length !== 4) {
      throw new Error("malformed");
    }
    const [protectedBytes, , attached, signature] = cose.value;
    const payload = detached || attached;
    if (!(protectedBytes instanceof Uint8Array) || !(payload instanceof Uint8Array)) {
      throw new Error("malformed");
    }
    if (!(signature instanceof Uint8Array)) throw new Error("malformed");
    const header = protectedBytes.length ? cborDecode(protectedBytes) : new Map();
    const kid = header instanceof Map ? header.get(4) : null;
    if (!(kid instanceof Uint8Array) || header.get(1) !== -7) throw new Error("malformed");
    const entry = keys.find((k) => k.kid === b64url(kid));
    if (!entry) throw new Error("unknown_key");
    const day = dayOf(payload);
    if (day < entry.valid_from || (entry.valid_to && day > entry.valid_to)) {
      throw new Error("key_expired");
    }
    const ok =
      signature.length === 64 &&
      (await crypto.subtle.verify(
        { name: "ECDSA", hash: "SHA-256" },
        await publicKey(entry),
        signature,
        sigStructure(protectedBytes, payload)
      ));
    if (!ok) throw new Error("bad_signature");
    return { payload, entry };
  }

  async function openSeal(text, keys) {
    const hash = text.indexOf("#");
    let sealed = hash >= 0 ? text.slice(hash + 1) : text;
    sealed = sealed.replace(/%20/g, " ").replace(/%25/g, "%");
    if (!sealed.startsWith("JF1:")) throw new Error("malformed");
    let message;
    try {
      message = await inflate(base45Decode(sealed.slice(4)));
    } catch (e) {
      throw new Error("malformed");
    }
    const issueDay = (payload) => {
      const claims = cborDecode(payload);
      const iat = claims instanceof Map ? claims.get(6) : null;
      if (typeof iat !== "number") throw new Error("malformed");
      return chinaDay(iat * 1000);
    };
    const { payload, entry } = await verifySign1(message, keys, issueDay);
    const claims = cborDecode(payload);
    const doc = claims.get(-65537);
    if (!(doc instanceof Map) || typeof doc.get(1) !== "string") throw new Error("malformed");
    return {
      issuer: claims.get(1),
      code: doc.get(1),
      kind: doc.get(2),
      holder: doc.get(3),
      valid_from: doc.get(4),
      valid_to: doc.get(5) || null,
      employer: doc.get(6) || null,
      kid: entry.kid,
    };
  }

  function checkClaims(claims, lists, today) {
    if (lists.revoked.has(claims.code)) return ["invalid", "revoked"];
    if (lists.withdrawn.has(claims.code)) return ["invalid", "withdrawn"];
    if (lists.suspended.has(claims.code)) return ["invalid", "suspended"];
    if (claims.employer && lists.employers.has(claims.employer)) {
      return ["invalid", "employer_revoked"];
    }
    if (claims.valid_to && claims.valid_to < today) return ["invalid", "expired"];
    if (claims.valid_from > today) return ["not_yet_valid", null];
    return ["valid", null];
  }

  // --- the lists --------------------------------------------------------------------
  const LIST_NAMES = ["revoked", "withdrawn", "suspended", "employers"];

  function load(name) {
    try {
      return JSON.parse(localStorage.getItem(name) || "null");
    } catch (e) {
      return null;
    }
  }

  function save(name, value) {
    localStorage.setItem(name, JSON.stringify(value));
  }

  function listSets() {
    const stored = load(STORE.revocations) || {};
    const sets = {};
    LIST_NAMES.forEach((n) => (sets[n] = new Set(stored[n] || [])));
    return sets;
  }

  function revocationBytes(body) {
    const fields = ["JF-REV1", body.version, body.since, body.issued_at, body.revoked,
      body.withdrawn, body.suspended, body.employers, body.removed];
    return new TextEncoder().encode(JSON.stringify(fields));
  }

  async function refreshLists() {
    const trustAnswer = await fetch("/api/trust-list", { cache: "no-cache" });
    if (!trustAnswer.ok) throw new Error("trust list " + trustAnswer.status);
    const trust = await trustAnswer.json();
    save(STORE.trust, { ...trust, fetched_at: Date.now() });
    const held = load(STORE.revocations);
    const since = held ? held.version : 0;
    const answer = await fetch("/api/revocations?since=" + since, { cache: "no-cache" });
    if (!answer.ok) throw new Error("revocations " + answer.status);
    const body = await answer.json();
    // Signed by a trust-list key on the day it was issued, over exactly these fields.
    await verifySign1(b64urlBytes(body.signature), trust.keys, () => body.issued_at.slice(0, 10),
      revocationBytes(body));
    let next;
    if (!held || body.since === 0) {
      next = { version: body.version };
      LIST_NAMES.forEach((n) => (next[n] = body[n]));
    } else {
      // Each id the delta names changed after our version: its old place goes, its new
      // one (if any) comes; a code moved from one list to another is on one only.
      next = { version: body.version };
      const changed = new Set(body.removed);
      LIST_NAMES.forEach((n) => body[n].forEach((id) => changed.add(id)));
      LIST_NAMES.forEach((n) => {
        const kept = (held[n] || []).filter((id) => !changed.has(id));
        next[n] = kept.concat(body[n]);
      });
    }
    next.issued_at = body.issued_at;
    next.fetched_at = Date.now();
    save(STORE.revocations, next);
    showLists();
  }

  function age(ms) {
    const minutes = Math.max(0, Math.round(ms / 60000));
    if (minutes < 120) return WORDS.minutes.replace("{n}", minutes);
    return WORDS.hours.replace("{n}", Math.round(minutes / 60));
  }

  function showLists() {
    const el = document.getElementById("lists");
    const held = load(STORE.revocations);
    const trust = load(STORE.trust);
    const state = navigator.onLine ? WORDS.online : WORDS.offline;
    if (!held || !trust) {
      el.dataset.state = "none";
      el.textContent = WORDS.lists_none;
      return;
    }
    const since = Date.now() - Math.min(held.fetched_at, trust.fetched_at);
    el.dataset.state = since > DAY_MS ? "old" : "fresh";
    el.dataset.version = held.version;
    el.textContent =
      (since > DAY_MS ? WORDS.lists_old + " · " : "") +
      WORDS.lists_age.replace("{age}", age(since)) + " · " + state;
  }

  // --- the verdict ------------------------------------------------------------------
  function show(status, reason, claims, decodedAt) {
    const box = document.getElementById("verdict");
    box.className = "scan-verdict " + status;
    document.getElementById("verdict-word").textContent = WORDS[status];
    let why = reason ? WORDS[reason] || reason : "";
    if (status === "not_yet_valid" && claims) why = WORDS.starts.replace("{start}", claims.valid_from);
    document.getElementById("verdict-reason").textContent = why;
    const facts = document.getElementById("verdict-facts");
    facts.textContent = "";
    if (claims) {
      const validity = claims.valid_from + (claims.valid_to ? " — " + claims.valid_to : "");
      [
        [WORDS.kind, WORDS["kind_" + claims.kind] || claims.kind],
        [WORDS.holder, claims.holder],
        [WORDS.validity, validity],
        [WORDS.issuer, claims.issuer],
        [WORDS.code, claims.code],
      ].forEach(([label, value]) => {
        const dt = document.createElement("dt");
        const dd = document.createElement("dd");
        dt.textContent = label;
        // a date breaks at its dash between days, never inside itself (2026-12-|14)
        String(value || "—").split(" — ").forEach((part, i) => {
          if (i) dd.append(" — ");
          const span = document.createElement("span");
          span.className = "nowrap";
          span.textContent = part;
          dd.append(span);
        });
        facts.append(dt, dd);
      });
    }
    box.dataset.status = status;
    box.dataset.reason = reason || "";
    box.dataset.code = claims ? claims.code : "";
    box.hidden = false;
    if (decodedAt) box.dataset.ms = String(Math.round(performance.now() - decodedAt));
  }

  function dismiss() {
    const box = document.getElementById("verdict");
    box.hidden = true;
    box.dataset.status = "";
  }

  // --- a scan -----------------------------------------------------------------------
  let lastText = "";
  let lastAt = 0;

  async function onDecoded(text, decodedAt) {
    const trust = load(STORE.trust);
    const keys = trust ? trust.keys : [];
    let claims = null;
    let status;
    let reason = null;
    const sealed = text.indexOf("#JF1:") >= 0 || text.startsWith("JF1:");
    if (!sealed) {
      return verifyOnline(codeOf(text), decodedAt, WORDS.no_seal_offline);
    }
    try {
      claims = await openSeal(text, keys);
      [status, reason] = checkClaims(claims, listSets(), chinaDay(Date.now()));
      if (!KINDS[claims.kind]) [status, reason] = ["invalid", "malformed"];
    } catch (e) {
      status = "invalid";
      reason = WORDS[e.message] ? e.message : "malformed";
    }
    show(status, reason, claims, decodedAt);
    enqueue(claims ? claims.code : codeOf(text), status, reason);
  }

  function codeOf(text) {
    // a document's QR (/verify/CODE) or a certificate's worker-registration QR (/join/CODE)
    const m = /\/(?:verify|join)\/([A-Za-z0-9]+)/.exec(text);
    return m ? m[1].toUpperCase() : text.replace(/[^A-Za-z0-9]/g, "").toUpperCase().slice(0, 32);
  }

  const ONLINE_WORDS = { valid: "valid", not_yet_valid: "not_yet_valid" };

  async function verifyOnline(code, decodedAt, offlineWords) {
    if (!code) return;
    if (!navigator.onLine) {
      show("invalid", null, null, decodedAt);
      document.getElementById("verdict-reason").textContent = offlineWords;
      return;
    }
    let answer;
    try {
      answer = await fetch("/verify/" + encodeURIComponent(code), {
        headers: { Accept: "application/json" },
      });
    } catch (e) {
      show("invalid", null, null, decodedAt);
      document.getElementById("verdict-reason").textContent = offlineWords;
      return;
    }
    if (answer.status === 404) {
      show("invalid", "not_found", null, decodedAt);
      enqueue(code, "invalid", "not_found");
      return;
    }
    const r = await answer.json();
    const status = ONLINE_WORDS[r.status] || "invalid";
    const reason = status === "invalid" ? r.status : null;
    show(status, reason, { ...r, issuer: "" }, decodedAt);
    enqueue(code, status, reason);
  }

  // --- the scan log -----------------------------------------------------------------
  function enqueue(code, result, reason) {
    if (!code || !/^[A-Z0-9]{4,32}$/.test(code)) return;
    const queue = load(STORE.queue) || [];
    const id = crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random().toString(16).slice(2);
    queue.push({ id, code, result, reason, at: new Date().toISOString() });
    save(STORE.queue, queue.slice(-2000)); // a day at a busy gate, and a margin
    showQueue();
    flush();
  }

  function showQueue() {
    const queue = load(STORE.queue) || [];
    const el = document.getElementById("queue");
    el.dataset.count = String(queue.length);
    el.textContent = queue.length ? WORDS.queued.replace("{n}", queue.length) : WORDS.sent;
  }

  let flushing = false;

  async function flush() {
    const checkpoint = localStorage.getItem(STORE.checkpoint);
    if (flushing || !checkpoint || !navigator.onLine) return;
    const queue = load(STORE.queue) || [];
    if (!queue.length) return;
    flushing = true;
    try {
      const batch = queue.slice(0, 100);
      const answer = await fetch("/api/scans", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ checkpoint, scans: batch }),
      });
      if (answer.ok || answer.status === 400) {
        // stored (or refused for good): either way not sent again
        const sent = new Set(batch.map((s) => s.id));
        save(STORE.queue, (load(STORE.queue) || []).filter((s) => !sent.has(s.id)));
      }
    } catch (e) {
      // offline after all: the queue waits for the next chance
    } finally {
      flushing = false;
      showQueue();
    }
    if ((load(STORE.queue) || []).length && navigator.onLine) setTimeout(flush, 1000);
  }

  // --- the camera -------------------------------------------------------------------
  async function startCamera() {
    const video = document.getElementById("camera");
    const canvas = document.getElementById("frame");
    const state = document.getElementById("camera-state");
    try {
      video.srcObject = await navigator.mediaDevices.getUserMedia({
        video: { facingMode: "environment" },
        audio: false,
      });
      await video.play();
    } catch (e) {
      state.textContent = WORDS.no_camera;
      return;
    }
    state.textContent = WORDS.camera_on;
    const context = canvas.getContext("2d", { willReadFrequently: true });
    const tick = () => {
      const typing = document.activeElement === document.getElementById("code");
      if (video.readyState >= 2 && document.getElementById("verdict").hidden && !typing) {
        const scale = Math.min(1, 720 / Math.max(video.videoWidth, video.videoHeight));
        canvas.width = Math.round(video.videoWidth * scale);
        canvas.height = Math.round(video.videoHeight * scale);
        context.drawImage(video, 0, 0, canvas.width, canvas.height);
        const image = context.getImageData(0, 0, canvas.width, canvas.height);
        const found = window.jsQR(image.data, image.width, image.height, {
          inversionAttempts: "dontInvert",
        });
        const now = performance.now();
        if (found && found.data && !(found.data === lastText && now - lastAt < SAME_CODE_MS)) {
          lastText = found.data;
          lastAt = now;
          onDecoded(found.data, now);
        }
      }
      setTimeout(tick, 120);
    };
    tick();
  }

  // --- the page ---------------------------------------------------------------------
  function bindCheckpoint() {
    const params = new URLSearchParams(location.search);
    const token = params.get("checkpoint");
    const name = params.get("name");
    if (token) {
      localStorage.setItem(STORE.checkpoint, token);
      if (name) localStorage.setItem(STORE.checkpoint + "-name", name);
      history.replaceState(null, "", "/scan"); // the link stays on the device, not in the address
    }
    const held = localStorage.getItem(STORE.checkpoint);
    const label = localStorage.getItem(STORE.checkpoint + "-name");
    if (held) {
      const el = document.getElementById("checkpoint");
      el.textContent = WORDS.checkpoint.replace("{name}", label || "✓");
      el.dataset.bound = "1";
    }
  }

  function start() {
    bindCheckpoint();
    showLists();
    showQueue();
    document.getElementById("verdict").addEventListener("click", dismiss);
    document.getElementById("typed").addEventListener("submit", (event) => {
      event.preventDefault();
      const code = document.getElementById("code").value.replace(/\s+/g, "").toUpperCase();
      verifyOnline(code, performance.now(), WORDS.typed_offline);
    });
    const refresh = () => refreshLists().catch(showLists);
    window.addEventListener("online", () => {
      refresh();
      flush();
    });
    window.addEventListener("offline", showLists);
    // The camera reads once the lists are refreshed (or, offline, found wanting): a
    // decode never meets an empty trust list it would call "unknown key".
    refresh().finally(startCamera);
    setInterval(() => {
      if (navigator.onLine) refresh();
      showLists();
      flush();
    }, REFRESH_MS);
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register("/scan-sw.js", { scope: "/scan" }).catch(() => {});
    }
  }

  window.jiafuwuScanner = { onDecoded, flush, refreshLists, openSeal };
  start();
})();
