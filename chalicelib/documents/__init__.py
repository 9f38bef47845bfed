"""Documents the product issues (receipts, certificates, docking slips, passes) as PDFs."""
