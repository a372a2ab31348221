"""Access rules for the provider's public pages, enquiries and the pipeline (see actionset.core.access).

The public pages, the enquiry form and the discovery-call booking link use the core `public` rule; the link's
own token is what admits the enquirer. Everything else is for the provider's administrators and designers."""

from actionset.core.access import ADMINISTRATOR, DESIGNER, Rule, register_rules, staff

register_rules(
    {
        "site.pipeline": Rule(
            "Work the enquiry pipeline: stages, owners, notes, discovery-call slots, converting a won enquiry",
            staff(),
            staff(ADMINISTRATOR, DESIGNER),
        ),
        "site.edit": Rule(
            "Edit the public site's pages and testimonials, and record testimonial consent",
            staff(),
            staff(ADMINISTRATOR, DESIGNER),
        ),
    }
)
