"""Who decides: the directory's roles, named once. A step names its role; the
directory (chalicelib/store/directory.py) finds the contact for a role in a scope."""

from __future__ import annotations

TOWN_OFFICE = "town_office"  # a town's 专班: scope, the town
DISTRICT_OFFICE = "district_office"  # 区三服务办: scope, the district
EMPLOYER_CONTACT = "employer_contact"  # scope: the employer's filing id
COMMERCE_OFFICE = "commerce_office"  # 区经商局: the district's scope
FINANCE_OFFICE = "finance_office"  # 区财政局: the district's scope
VILLAGE_DOCTOR = "village_doctor"  # 村医: scope, the town; told of a fever or a symptom
INSTRUCTOR = "instructor"  # 驻企指导员: scope "<town>#<n>", offered by town
STAFF_ROLES = (DISTRICT_OFFICE, TOWN_OFFICE)  # the roles a staff link may carry
