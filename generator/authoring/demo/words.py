"""The demo's word lists: names, companies, stories and sentences its documents are made of (data only)."""

from __future__ import annotations

from generator.documents.models.account import Health
from generator.documents.models.review import Trigger

FIRST_NAMES = (  # noqa: SIM905 (a word list reads best as words)
    "amelia ben chloe dana elif fatima gabriel hana ines jordan kwame liam mia nina oliver priya "
    "quinn rafael sofia tomas uma victor wei xavier yara zane aisha bruno carmen diego emeka freya "
    "goran hugo ingrid jamal keiko lars maya noah olga pablo rosa samir tara ulrich vera wanjiru "
    "yusuf zoe arjun beatriz caleb dmitri esther felix greta hiro ivan julia kofi lena marco nadia "
    "omar paula ruth sven"
).split()
LAST_NAMES = (  # noqa: SIM905 (a word list reads best as words)
    "hart okafor petrova dubois oconnell asante reyes whitaker brandt zahra lund shah becker "
    "nakamura silva kowalski haddad moreau jensen osei fischer tanaka novak rossi lindqvist mensah "
    "castillo ivanova bauer costa murphy sato kaya nguyen eriksen mahlangu ortiz popescu weber "
    "yilmaz abara chen dlamini ferreira garcia horvath iqbal jovanovic kim larsen mwangi nilsen "
    "oduya park quint ramos sorensen torres ueda varga walsh xu young zielinski"
).split()
COMPANY_WORDS = (  # noqa: SIM905 (a word list reads best as words)
    "Northwind Contoso Fabrikam Tailspin Woodgrove Litware Proseware Adventure Alpine Bluefin Coho "
    "Fourthwave Lamna Margin Nod Relecloud Trey Wingtip Wide Humongous Graphic Lucerne Blue Yonder "
    "Datum Consolidated Southridge Fineartz Kestrel Larkspur Meridian Nimbus Obsidian Pinnacle "
    "Quarry Redwood Saltmarsh Tidewater Umber Vantage Westbrook Yarrow Zephyr Amberly Brightwater "
    "Cobalt Driftwood Emberline Foxglove Granite Harbor Ironbark Juniper Keystone Lighthouse "
    "Moonstone Northstar Oakridge Pebble Quillon Riverbend Silverline Thornfield Upland Valley "
    "Willow"
).split()
INDUSTRIES = (  # noqa: SIM905 (a word list reads best as words)
    "Logistics Health Bank Games Energy Aerospace Analytics Insurance Retail Telecom Pharma "
    "Robotics Media Airlines Rail Foods Mining Biotech Payments Semiconductors Shipping Motors "
    "Capital Software Cloud Security Labs Systems Networks Devices Utilities Travel Education "
    "Marine Grid"
).split()
REGIONS = (  # noqa: SIM905 (a word list reads best as words)
    "Europe APAC Americas Nordics Iberia Benelux DACH Japan Brazil Canada India Gulf"
).split()
OPPORTUNITY_KINDS = (
    ("expansion", "expansion (+{seats} seats)"),
    ("renewal", "renewal ({years}-year term)"),
    ("new-business", "new business"),
    ("insights-upsell", "code insights upsell ({seats} seats)"),
    ("batch-changes", "batch changes rollout"),
    ("platform-team", "platform team expansion"),
    ("subsidiary", "subsidiary rollout"),
    ("cloud-migration", "move to the managed cloud"),
)
CODE_HOSTS = (
    "GitHub Enterprise Server",
    "GitLab self-managed",
    "Bitbucket Data Center",
    "Azure DevOps Server",
    "Gerrit",
    "Perforce Helix Core",
)
COMPETITORS = ("an in-house grep service", "a legacy OpenGrok install", "a competitor's appliance")
TEAMS = ("platform", "developer experience", "security engineering", "SRE", "payments", "mobile", "data")
LANGUAGES = ("Korean", "Japanese", "German", "Portuguese", "French", "Mandarin")
CERTIFICATIONS = ("FedRAMP High", "HITRUST", "ISO 27001", "TISAX", "PCI DSS", "SOC 2 Type II", "FIPS 140-3")
TRIGGER_STORIES: dict[Trigger, tuple[tuple[str, str, str], ...]] = {
    Trigger.AIR_GAPPED: (
        (
            "Air-gapped deployment in {short}'s {region} enclave",
            "air-gapped-enclave",
            "an air-gapped instance with no inbound or outbound internet access",
        ),
        (
            "Air-gapped upgrade from {version} to {version_next}",
            "air-gapped-upgrade",
            "upgrading an air-gapped instance across {hops} minor versions at once",
        ),
        (
            "Offline image transfer through a {gateway_gb} GB gateway",
            "offline-image-transfer",
            "moving every image through a transfer gateway limited to {gateway_gb} GB per file",
        ),
    ),
    Trigger.DOCKER_COMPOSE_BATCH_CHANGES: (
        (
            "Batch changes on a docker-compose deployment",
            "compose-batch-changes",
            "running batch changes at scale on a single docker-compose host",
        ),
        (
            "Server-side batch changes for {repos} repositories on docker-compose",
            "compose-server-side-batch",
            "server-side batch changes across {repos} repositories without Kubernetes",
        ),
    ),
    Trigger.SUPPORT_RISK: (
        (
            "Support in {language} without screen sharing",
            "async-support",
            "support conducted in {language}, with no screen sharing allowed",
        ),
        (
            "Support through a third-party operator",
            "operator-support",
            "support only through a managed-services operator who holds all access",
        ),
        (
            "Follow-the-sun support for a 24/7 trading floor",
            "follow-the-sun-support",
            "a one-hour response target around the clock for a trading-floor outage",
        ),
    ),
    Trigger.EXPLICIT_PERMISSIONS_API: (
        (
            "Explicit permissions API for {users} users",
            "explicit-permissions",
            "a permission model that depends entirely on the explicit permissions API",
        ),
        (
            "Entitlement sync from their IAM through the explicit permissions API",
            "entitlement-sync",
            "pushing entitlements from their identity system through the explicit permissions API",
        ),
        (
            "Migration from code-host permissions to explicit permissions",
            "permissions-migration",
            "replacing code-host permission sync with explicit permissions for {repos} repositories",
        ),
    ),
    Trigger.OTHER: (
        (
            "Data residency in {region} for all indexes",
            "data-residency",
            "keeping every index and backup inside {region}",
        ),
        (
            "{certification} evidence for production",
            "compliance-evidence",
            "{certification} evidence for a self-hosted production deployment",
        ),
        (
            "Single-node k3s for a {users}-user pilot",
            "single-node-k3s",
            "a single-node k3s cluster instead of a supported Kubernetes distribution",
        ),
        (
            "{repos} repositories on one instance",
            "very-large-instance",
            "{repos} repositories on one instance, above the documented sizing",
        ),
    ),
}
OTHER_DESCRIPTIONS = (
    "Data must stay in {region}, including backups and logs",
    "Needs {certification} evidence that we have not produced before",
    "Runs on a Kubernetes distribution we do not test against",
    "Instance size above the documented limits ({repos} repositories)",
)
REVIEW_SENTENCES: dict[str, tuple[str, ...]] = {
    "Misalignment": (
        "Our reference architecture assumes a connected Kubernetes deployment; {short} cannot run one.",
        "The documented limit is {limit} for this setup, and {short} plans to go well past it.",
        "Their {team} team owns the deployment and has already ruled out the standard topology.",
        "Nothing in the current release blocks it outright, but nobody has run it at this scale.",
        "The gap was confirmed on a call with their architects on {early_date}.",
        "{short} indexes {repos} repositories from {codehost}, most of them monorepos over 5 GB.",
        "The requirement comes from their security office and is not negotiable for them.",
        "We have one other customer close to this setup, and they needed two patch releases to get there.",
        "The upgrade path from {version} is the part we have never tested end to end.",
        "Their change-management board only approves one maintenance window a month.",
        "Without a decision the account team cannot commit to the trial plan.",
    ),
    "Timeline": (
        "The account team learned of the date on {early_date} and raised this review as soon as the TDD was "
        "peer-reviewed.",
        "Their fiscal year ends in {golive_month}, and the project has to show results before then.",
        "Missing the date would push the trial into their change freeze, which lasts six weeks.",
        "{short} needs an answer by {deadline}, when their procurement committee meets.",
        "The trial is scheduled to start on {trial_date}; without a decision it slips by a quarter.",
        "Production go-live is planned for {golive_date}, tied to their fiscal year.",
        "Their budget for this project closes on {deadline}; after that the money goes elsewhere.",
        "Their renewal on {renewal_then} depends on this, so the date is firm.",
        "A decision by {deadline} leaves four weeks to prepare the environment.",
        "Their CTO presents the platform choice to the board on {golive_date}.",
        "If we need more time, the account team can ask for two weeks, but not more.",
    ),
    "Requirement origin": (),  # ORIGIN_NEW or ORIGIN_EXISTING, per review
    "Customer expectations": (
        "They want a named engineer on our side until the first upgrade is done.",
        "Their procurement team will ask for the commitment to be written into the order form.",
        "They expect the same response times as any other enterprise customer.",
        "{short} expects a supported, documented procedure and named contacts in Support.",
        "If we say no, they will keep {competitor}, and the {seats}-seat deal goes with it.",
        "They accept slower support response times as long as the process is written down.",
        "They expect us to confirm in writing that the setup is supported for the length of the contract.",
        "A no would not end the relationship, but it would stall the expansion for at least a year.",
        "The champion, {champion}, has told their leadership that we can support this.",
        "They are ready to run extra load tests in their environment and share the results.",
        "They would accept a phased rollout if the first phase starts on time.",
    ),
    "Asks": (
        "- **Product**: confirm that {topic} is a supported practice for the next two releases.",
        "- **Engineering**: review the procedure in section {section_number} of the TDD.",
        "- **Support**: agree on a support process that works within {short}'s constraints.",
        "- **Engineering**: estimate the effort to close the gap filed in the product gaps list.",
        "- **Product**: say whether the roadmap covers this within two quarters.",
        "- **Support**: name an escalation engineer for the first 90 days.",
    ),
}
REVIEW_LEADS = {
    "Misalignment": "{customer} needs {gap}, which sits outside what we document as best practice."
}
ORIGIN_NEW = (
    "This is a new requirement that surfaced after their reorganisation in {early_month}.",
    "The requirement is new; their security office issued the policy on {early_date}.",
    "Nothing in the first security questionnaire hinted at it, because the policy did not exist yet.",
    "We learned about it from their {team} team, who were not part of the first workshops.",
    "It comes with a new CISO, who reviews every vendor again this year.",
    "Their auditors raised it in {early_month}; the project cannot go ahead without it.",
    "The qualification checklist already asks about {topic}; the answer changed after qualification.",
)
ORIGIN_EXISTING = (
    "Existing requirement: it was mentioned in discovery, but technical qualification marked it "
    "as standard without checking the details.",
    "It existed from the start, but the champion only shared the full constraints during the TDD review.",
    "Technical qualification missed it because the questionnaire does not ask about {topic}.",
    "The discovery notes from {early_month} mention it in passing, without the numbers that matter.",
    "Their previous vendor supported it through professional services, so they assumed we would too.",
    "The qualification checklist has since been updated so the next account is asked up front.",
    "The account team raised it with the CE manager on {early_date}, before the TDD was written.",
)
ACCOUNT_SENTENCES: dict[str, tuple[str, ...]] = {
    "Summary": (
        "The relationship is run from {region}, with a second team in another time zone.",
        "Last quarter's objectives were mostly met; the open one carries over.",
        "{customer} is a tier {tier} {segment_words} account with {seats} licensed seats.",
        "Health is {health} this quarter: {health_reason}",
        "The account team is {ae} (AE) and {ce} (CE), revisiting the plan every quarter.",
        "The focus this quarter is the renewal on {renewal_date} and the open opportunities.",
        "{champion} remains our champion and meets the CE every other week.",
        "They bought the product in {early_month} to replace {competitor}.",
        "Leadership attention is high after the last business review.",
    ),
    "How they use the product": (
        "About {users} weekly active users search {repos} repositories across {codehost}.",
        "The {team} team uses batch changes for dependency upgrades across the fleet.",
        "Code insights dashboards track the retirement of their legacy services.",
        "The product runs self-hosted in {region}, upgraded twice a year.",
        "Their internal initiative is to cut the mean time to resolve incidents by {pct}%.",
        "New teams are onboarded through an internal guild that {champion} runs.",
        "Usage grew {pct}% since last quarter, mostly from the {team} team.",
    ),
    "Value realization": (
        "The value-realization exercise starts {renewal_window_days} days before the renewal on "
        "{renewal_date}.",
        "Their platform team estimates {hours} engineer-hours saved on the last migration.",
        "Incident resolution time went from {before_hours}h to {after_hours}h since the rollout.",
        "The economic buyer wants the numbers in the quarterly business review.",
        "Adoption is the main proof point: {adoption}% of licensed users are active every week.",
        "We still owe them a readout on the security remediation campaign.",
    ),
    "Risks and challenges": (
        "The economic buyer is new and has not yet seen the value numbers.",
        "Half of the licensed seats are still inactive after the last rollout.",
        "Budget pressure may reduce the seat count at renewal.",
        "The champion's team is being reorganised, and the new manager has not met us yet.",
        "The migration away from {codehost} may slip and delay the expansion.",
        "Support tickets about permission sync latency are rising.",
        "A competitor is offering a free pilot to their {team} team.",
        "Their upgrade cadence leaves them two versions behind, which hurts performance.",
    ),
    "Next steps": (
        "- {ae} books the quarterly business review with the economic buyer.",
        "- {ce} runs an enablement session for the {team} team.",
        "- {ce} follows up on the open product gaps with Product.",
        "- {ae} confirms the renewal timeline with procurement.",
        "- The account team reviews the expansion plan with {champion}.",
    ),
}
RED_SENTENCES = (
    "Health turned red on {red_since}: {red_reason}",
    "The AE and CE meet weekly until health is back to yellow or green.",
    "We asked leadership for an executive sponsor call and for a Support escalation engineer.",
    "The action plan is tracked in the front matter; each item has an owner and a date.",
)
RED_REASONS = (
    "the champion left the company",
    "usage dropped {pct}% after a failed upgrade",
    "two P1 incidents in a month eroded trust",
    "the new CIO is reviewing every developer tool",
    "the renewal budget was cut in half",
)
HEALTH_REASONS = {
    Health.GREEN: (
        "Weekly active users up {pct}% since last quarter and the champion is engaged.",
        "Adoption is broad and the last business review went well.",
        "The rollout to the {team} team finished on schedule.",
    ),
    Health.YELLOW: (
        "Usage is flat and the economic buyer has not joined a call this quarter.",
        "An upgrade is overdue and support tickets are rising.",
        "The champion changed roles; the new contact is still getting up to speed.",
    ),
    Health.RED: RED_REASONS,
}
MESSAGING = (
    "{short} is told they operate outside our normal guidelines: upgrades need a scheduled window and "
    "Support works from log bundles with longer response targets.",
    "{short} is told the setup is supported for this contract, with the limits written in the TDD, and "
    "that new features may reach them a release later.",
    "{short} is told we support it as an exception, reviewed again at renewal.",
)
RATIONALES = (
    "The effort to support {topic} outweighs the deal, and the risk to other customers is too high.",
    "Engineering cannot commit to the timeline without moving roadmap work; we offer the standard setup.",
    "Support cannot meet the response targets without remote access.",
)
WITHDRAWAL_REASONS = (
    "The customer chose the standard topology after the TDD review.",
    "The opportunity was lost to a competitor.",
    "Superseded by a broader review for the same customer.",
    "The customer postponed the project by a year.",
)
MEETING_OUTCOMES = (
    "Engineering confirmed the procedure works with the standard tooling; "
    "Support agreed on a log-bundle process.",
    "Product asked for load-test results before committing; the CE will share them within a week.",
    "The group agreed on a phased rollout with a checkpoint after the first month.",
    "Support will staff a named engineer for the first 90 days.",
)
ASKS = {
    "product": (
        "Confirm that {topic} is a supported practice for the next two releases",
        "Say whether the roadmap closes this gap within two quarters",
    ),
    "engineering": (
        "Review the procedure in section {section_number} of the TDD",
        "Estimate the effort to make this work at {repos} repositories",
    ),
    "support": (
        "Agree on a support process that works within the customer's constraints",
        "Name an escalation engineer for the first 90 days",
    ),
}
# Each gap is one CRM record: the same key, title and area wherever a document cites it.
GAPS = (
    ("GAP-2101", "Offline image bundles split under a configurable size", "deployment"),
    ("GAP-2102", "Incremental permission sync for very large projects", "permissions"),
    ("GAP-2103", "Batch changes throttling per code host", "batch-changes"),
    ("GAP-2104", "Localized support runbooks", "support"),
    ("GAP-2105", "Regional storage for search indexes", "search"),
    ("GAP-2106", "Explicit permissions API bulk endpoint", "permissions"),
)
GAP_TITLES = tuple(title for _, title, _ in GAPS)
FEEDBACK_THEMES = (
    "Permission sync latency",
    "Batch changes at fleet scale",
    "Upgrade effort for self-hosted instances",
    "Search ranking for monorepos",
    "Admin tooling for large instances",
)
USE_CASES = (
    "Code search for incident response",
    "Batch changes for dependency upgrades",
    "Code insights for migration tracking",
    "Onboarding new engineers to large codebases",
    "Security remediation campaigns",
)
INITIATIVES = (
    "Consolidate code hosts by the end of next year",
    "Cut mean time to resolve P1 incidents",
    "Move every service to the new platform",
    "Developer productivity programme for {users} engineers",
)
OBJECTIVES = (
    "Close the renewal before the procurement cut-off",
    "Run the value-realization readout with the economic buyer",
    "Qualify the expansion and identify its champion",
    "Get the upgrade to the current release done",
    "Bring health back to green",
)
CURRENCIES = ("USD", "USD", "USD", "EUR", "GBP")
