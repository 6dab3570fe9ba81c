"""The programme's rules, each a function from content to diagnostics: eligibility, process dates and working days,
privacy and safety, quotas, published IDs, activities, site settings; the rule registry (IDs, messages, fixes);
and the year-end assessment's scoring. Nothing here renders a page or imports MkDocs.
"""
