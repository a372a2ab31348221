"""The public site's part of the demo world: pages in our own words, case studies, testimonials (one without
consent, which the site must not show), resources, enquiries at every stage and discovery-call slots."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.conf import settings
from django.utils import timezone

from actionset.accounts.models import User
from actionset.site.models import CallSlot, Enquiry, EnquiryNote, Page, Stage
from actionset.site.services import page_save, quote_save

HOME = """\
## Learning from the work itself

Action learning brings together small groups of colleagues, called **sets**, who meet every month or so to work on
real problems they own. Not case studies, not role plays: the restructure that is stalling, the service that keeps
missing its targets, the team that will not pull together.

Each member brings their own challenge. The others help mainly by **asking questions** rather than giving advice.
The presenter decides what to do, acts between meetings, and reports back on what happened and what they learned.
Over six months the problems move, and so do the people.

## What we do

- **Bespoke programmes.** We design and run action learning for your organisation: who takes part, how the sets are
  formed, how often they meet, and how you will know it worked.
- **Facilitator development.** We train your own people to facilitate sets, from a one-day taster to an accredited
  foundation award.
- **Evaluation you can use.** Every programme comes with an evaluation plan, and reports that show what changed
  without ever identifying an individual.

## How we work

We start with a conversation about your challenge, not with a product. Most of our programmes are for between
twenty and sixty people, in sets of five to seven, meeting for half a day every four weeks. What the sets discuss
stays in the set. What they choose to share, the themes and the questions for leaders, comes to your senior
team, who answer them.
"""

WHAT_IS = """\
Action learning is a way for people and organisations to learn by working on real, important problems. It was
developed by Reg Revans in the coal mines and hospitals of post-war Britain, and is now used in public services,
businesses and charities around the world.

## How a set works

A set is a group of four to eight people, most often five to seven, who meet regularly over several months. A
typical three-hour meeting runs like this:

1. **Check-in.** Each member says how they are arriving.
2. **Progress round.** Everyone reports on the actions they committed to last time: done, not done, and what they
   learned.
3. **Bidding for airtime.** Members say whether they need time today, and how much.
4. **Airtime.** Two or three members each have thirty to forty-five minutes. The presenter outlines their issue; the
   others ask questions, first to clarify and then to open it up; the presenter says what they now see and names
   the actions they will take, with dates.
5. **Process review.** How did we work as a set today? What helped, and what got in the way?

## Questions, not advice

The heart of action learning is the question. Good questions are open: *What would success look like for you?*
*What have you not tried yet?* *Who else sees this differently?* Advice disguised as a question (*Have you thought
about…?*) is the habit most sets spend their first meetings unlearning.

> The presenter owns the problem and the actions. The set's job is to help them think, not to think for them.

## Why organisations use it

Problems move, because the people who own them act on them. People grow more confident making decisions and feel
less alone with hard problems. And the organisation gains a steady supply of good questions from the people doing
the work to the people leading it, which for many of our clients is the main reason to run a programme.
"""

SERVICES = """\
Everything we do is built around your organisation's own challenges.

## [Bespoke action learning programmes](/bespoke-programmes/)

Programmes designed with you, for between twenty and a hundred people: sets formed for diversity across
departments, levels and sites, a facilitator for each set, a launch and a closing conference, and an evaluation
plan agreed at the start.

## [Facilitator development](/facilitator-development/)

Taster workshops, a foundation award in action learning facilitation for in-set facilitators, and an advanced
practitioner award for programme designers and organisational developers.

## Single-problem sets

When one sponsor has one knotty problem, a set can work on it together across several meetings, in the tradition
of the WIAL method. We facilitate, and the sponsor hears the set's recommendations at the end.
"""

BESPOKE = """\
No two of our programmes are the same, because no two organisations' problems are.

## What a programme usually includes

- A **sponsor brief**: the context, why it matters now, what has been tried, and what success would look like.
- **Sets of five to seven** people, formed so that each set mixes departments, levels and sites, and so that nobody
  shares a set with their line manager.
- **Five to eight meetings over six to twelve months**: half days in person, or three hours online each month.
- A **facilitator for each set**, from our team or from your own people once we have trained them.
- A **launch event** and a **closing conference** where sets share what they have learned with sponsors.
- An **evaluation plan**: reactions after each meeting, self-ratings at the start and end, and a follow-up three
  months later on what people are doing differently.

## Confidentiality

What is said in a set stays in the set. Sponsors see attendance and the themes, lessons and questions that each
set chooses to share, never what an individual said. This is written into every programme we run.

## Timescales and cost

From a first conversation to the launch event usually takes eight to twelve weeks. We price each programme once
we understand its shape; a typical programme for thirty people costs less than sending them on a week's course.
"""

FACILITATOR = """\
Sets work best with a skilled facilitator, and the best facilitators are often your own people.

## Taster workshop (one day)

What action learning is, how a set meeting runs, and a live set to take part in. For anyone deciding whether to
train as a facilitator, or whether to commission a programme.

## Foundation award in action learning facilitation

For in-set facilitators. Three days of training, then six to nine months facilitating real sets while keeping a
reflective log, with supervision from one of our accredited facilitators and an observation with feedback. The
award is assessed on the log, the observation and an assessment day. Certificates can be verified online.

## Advanced practitioner award

For programme designers and organisational developers: designing a programme, writing a case study, and the
theory behind the practice.

Training dates and booking are in our training catalogue.
"""

PRIVACY = """\
This notice explains what we do with the details you give us on this website.

## Enquiries

When you send an enquiry we keep what you wrote, your name, role, organisation, email address and, if you gave it,
your phone number. We use them only to reply to you and to talk with you about a possible programme. We also note
the network (IP) address your enquiry came from, and use it only to limit automated spam; we delete it after
90 days.

We keep enquiry details for two years after our last contact with you, then delete them, unless you become a
client, in which case our contract with your organisation says what we keep.

## Your rights

You can ask us to see, correct or delete the details we hold about you at any time. Reply to any email from us,
or write to us at the address at the foot of this page.

## Cookies

This website sets no tracking or advertising cookies. The only cookies are the ones that make forms work safely:
a security token, and a session cookie that carries the result of your enquiry to the thank-you page.
"""

CASE_STUDIES = [
    (
        "county-council-managers",
        "A county council's middle managers: thirty people, six sets, one budget gap",
        "How a council facing a four-year budget gap used action learning to help its middle managers lead change "
        "they had not chosen.",
        """\
## The challenge

A county council had to save a fifth of its budget over four years. The senior team had a plan; the people who
would have to carry it out, some eighty service managers, had mostly heard about it by email. The director of
people wanted them to lead the change rather than endure it.

## What we did

We designed a six-month programme for thirty managers in the first cohort: six sets of five, formed so that each
mixed services, grades and sites, with no manager in a set with their own line manager. Sets met for half a day
every four weeks. Two of our facilitators and four of the council's own, trained on our foundation course,
facilitated.

Each set agreed its ground rules at the first meeting, including what it would share outside. At the closing
conference, the sets presented fourteen questions to the chief executive and the senior team, who answered each
one in writing within a month.

## What changed

- 27 of the 30 managers said they were more confident making decisions; 22 said they felt less isolated.
- Three of the questions led to changes in the savings plan, including keeping a library service the plan had
  closed and finding the saving elsewhere.
- The council has since run two more cohorts with its own facilitators.
""",
    ),
    (
        "housing-association-repairs",
        "A housing association's repairs backlog: one problem, one set, four meetings",
        "A single-problem set of six people from across a housing association worked on a repairs backlog that "
        "had resisted three previous projects.",
        """\
## The challenge

A housing association's repairs backlog had grown to nine weeks. Three improvement projects had each made things
better for a while. The operations director asked for something different.

## What we did

We ran a single-problem set in the WIAL tradition: six people from repairs, the contact centre, finance and two
tenant representatives, working on one problem over four meetings. The set began by testing whether they all saw
the same problem, and they did not: half saw a shortage of trades, half saw jobs booked wrongly at first contact.

## What changed

The set recommended, and then ran, a six-week trial of booking repairs with a video call to the tenant. Repeat
visits fell by a third in the trial area, and the backlog was down to four weeks six months later. The operations
director said the most useful thing was the set's questions, not its answers.
""",
    ),
    (
        "university-research-leaders",
        "Research leaders across three campuses: online sets that lasted",
        "Online action learning for new research group leaders spread across three campuses and two time zones.",
        """\
## The challenge

A university appointed twenty-four new research group leaders in a year. Most had never managed anyone, and they
were spread across three campuses, one of them overseas.

## What we did

Four online sets of six, meeting for three hours every month for eight months, each with one of our facilitators.
Meeting times were chosen so that every member could attend; the sets became self-facilitating for their last two
meetings.

## What changed

Attendance stayed above ninety per cent throughout. In the three-month follow-up, most members described a specific
conversation with a member of their group that they had handled differently because of their set. Two of the four
sets still meet on their own.
""",
    ),
]

RESOURCES = [
    (
        "questions-in-action-learning",
        "A short guide to questions in action learning",
        "Open questions, closed questions and advice in disguise: how to tell them apart, and why it matters in a set.",
        """\
Most of what happens in a set happens through questions, so it pays to notice what kind of question you are asking.

## Open questions

Open questions invite the presenter to think: *What would success look like for you? What have you not tried yet?
What is stopping you?* They usually begin with *what*, *how* or *who*.

## Closed questions

Closed questions can be answered yes or no: *Did you tell her?* They are useful for clarifying facts early in an
airtime, and less useful after that.

## Advice disguised as a question

*Have you thought about…? Why don't you just…? Wouldn't it be better to…?* These carry the asker's answer inside
them. Sets that notice this habit, and gently name it, usually ask better questions within two or three meetings.

## A practice

At the next process review, ask each member: which question helped you most today, and why?
""",
    ),
    (
        "evaluating-a-programme",
        "Evaluating an action learning programme: a practical plan",
        "A plan you can use from the first meeting, built on the four levels most organisations already know.",
        """\
Evaluation works best when it is planned before the programme starts. We use the four levels most organisations
already know:

| Level | What we ask | When |
| --- | --- | --- |
| Reaction | How useful was today's meeting? | After every meeting |
| Learning | Self-ratings: confidence making decisions, feeling less isolated, no longer stuck | Start and end |
| Behaviour | What are you doing differently? | Three to six months after the end |
| Results | What has moved in the problems people brought? | At the closing conference and after |

Results are reported only for groups large enough that no individual can be identified.
""",
    ),
    (
        "ground-rules-template",
        "Ground rules for a new set: a starting template",
        "The points most sets cover when they agree their contract at the first meeting.",
        """\
Every set agrees its own ground rules at its first meeting. Most cover:

- **Confidentiality**: what is said in the set stays in the set, and where its limits are (for example, a risk of harm).
- **Attendance and punctuality**, and what to do when someone cannot come.
- **Listening**, and one person speaking at a time.
- **Questions, not advice**: offers of experience only when the presenter asks.
- **Ownership**: the presenter owns their problem and their actions.
- **Sharing**: what the set is willing to share outside, and how it decides.

Revisit them at the third meeting: a contract that is never looked at again is not much of a contract.
""",
    ),
]

TESTIMONIALS = [
    (
        "I went in expecting a leadership course and came out having actually fixed the thing that had kept me awake "
        "for a year. The questions were harder than any advice I have been given.",
        "Helen Armitage",
        "Head of Adult Social Care",
        "a county council",
        True,
    ),
    (
        "The sets told us things about our own organisation that no staff survey ever had, and they told us in a "
        "way we could act on.",
        "Marcus Bell",
        "Chief Executive",
        "a housing association",
        True,
    ),
    (
        "The foundation award changed how I run every meeting, not just set meetings. "
        "I ask far more and tell far less.",
        "Sunita Rao",
        "Organisational Development Lead",
        "an NHS trust",
        True,
    ),
    (
        "Honestly the best six months of development I have had in twenty years.",
        "Mark Fielding",
        "Operations Manager",
        "a logistics company",
        False,
    ),
]

ENQUIRIES = [
    # organisation, contact, role, email, stage, days ago, next step, next step in days, challenge, size, timing
    (
        "Eastbrook District Council",
        "Rachel Moore",
        "Head of Organisational Development",
        "rachel.moore@eastbrook.example",
        Stage.NEW,
        1,
        "",
        None,
        "Our senior managers work in silos. We have tried a leadership programme and a restructure, and people "
        "still escalate problems instead of solving them together. We would like to know whether action learning "
        "could help about forty managers across six directorates.",
        Enquiry.Size.LARGE,
        Enquiry.Timing.QUARTER,
    ),
    (
        "Greenway Community Trust",
        "Tom Baker",
        "Chief Executive",
        "tom@greenway.example",
        Stage.NEW,
        4,
        "Reply and offer call times",
        -1,
        "We are a small charity and our team leaders are stretched thin. I want them to have somewhere to think.",
        Enquiry.Size.SMALL,
        Enquiry.Timing.EXPLORING,
    ),
    (
        "Meridian Foods",
        "Lucy Chen",
        "L&D Manager",
        "lucy.chen@meridianfoods.example",
        Stage.CALL_BOOKED,
        6,
        "Discovery call",
        3,
        "Three factory sites, shift managers promoted from the line, high turnover in the first year as a manager. "
        "We need them to learn from each other across sites.",
        Enquiry.Size.VERY_LARGE,
        Enquiry.Timing.NOW,
    ),
    (
        "St Aldhelm's Hospice",
        "Grace Whitfield",
        "Director of Care",
        "grace.whitfield@staldhelms.example",
        Stage.PROPOSAL,
        20,
        "Send proposal for two sets",
        -3,
        "Our ward sisters carry a lot alone. We would like two sets, facilitated, with the option of training two "
        "of our own staff to facilitate later.",
        Enquiry.Size.MEDIUM,
        Enquiry.Timing.QUARTER,
    ),
    (
        "Harbourside University",
        "Dr Amir Haddad",
        "Pro-Vice-Chancellor for Research",
        "a.haddad@harbourside.example",
        Stage.PROPOSAL,
        30,
        "Follow up on the proposal",
        7,
        "New research group leaders across three campuses need support in their first year leading people.",
        Enquiry.Size.VERY_LARGE,
        Enquiry.Timing.LATER,
    ),
    (
        "Fenland Water",
        "Claire Dobson",
        "People Director",
        "claire.dobson@fenlandwater.example",
        Stage.WON,
        45,
        "Create the programme",
        2,
        "After a merger, two operations teams that used to compete now have to run one network. The managers need "
        "to work on shared problems, not just meet.",
        Enquiry.Size.LARGE,
        Enquiry.Timing.NOW,
    ),
    (
        "Brightwell Academy Trust",
        "Sam Patel",
        "Director of Education",
        "sam.patel@brightwell.example",
        Stage.LOST,
        60,
        "",
        None,
        "Headteachers across our eight schools would benefit from peer support.",
        Enquiry.Size.MEDIUM,
        Enquiry.Timing.LATER,
    ),
]


def _user(email: str) -> User:
    return User.objects.get(email=email)


def seed() -> None:
    if Page.objects.exists():
        return
    admin = _user("admin@provider.example")
    designer = _user("designer@provider.example")

    def add(
        kind: str,
        slug: str,
        title: str,
        description: str,
        body: str,
        *,
        nav: bool = False,
        position: int = 100,
        publish: bool = True,
    ) -> Page:
        data = {
            "kind": kind,
            "slug": slug,
            "title": title,
            "description": description,
            "body": body,
            "in_navigation": nav,
            "position": position,
        }
        return page_save(actor=admin, data=data, publish=publish)

    add(
        Page.Kind.HOME,
        "home",
        "Real problems, worked on together",
        "We design and run action learning programmes: small sets of colleagues who meet over months to work on the "
        "challenges that matter, by asking better questions.",
        HOME,
    )
    add(
        Page.Kind.PAGE,
        "what-is-action-learning",
        "What is action learning?",
        "Small groups of colleagues, real problems, questions rather than advice: how action learning works and "
        "why organisations use it.",
        WHAT_IS,
        nav=True,
        position=10,
    )
    add(
        Page.Kind.PAGE,
        "services",
        "Services",
        "Bespoke action learning programmes, single-problem sets, and development for the people who facilitate them.",
        SERVICES,
        nav=True,
        position=20,
    )
    add(
        Page.Kind.PAGE,
        "bespoke-programmes",
        "Bespoke action learning programmes",
        "Programmes designed with you: sets formed for diversity, a facilitator for each, and an evaluation plan "
        "from the start.",
        BESPOKE,
        position=21,
    )
    add(
        Page.Kind.PAGE,
        "facilitator-development",
        "Facilitator development",
        "From a one-day taster to an accredited foundation award: training your own people to facilitate "
        "action learning sets.",
        FACILITATOR,
        position=22,
    )
    add(
        Page.Kind.PAGE,
        "privacy",
        "Privacy notice",
        "What we do with the details you give us on this website, how long we keep them, and your rights.",
        PRIVACY,
        position=90,
    )
    add(
        Page.Kind.PAGE,
        "about-us",
        "About us",
        "Who we are and how we came to action learning.",
        "Draft: to be written.",
        position=30,
        publish=False,
    )
    for position, (slug, title, description, body) in enumerate(CASE_STUDIES, start=1):
        add(Page.Kind.CASE_STUDY, slug, title, description, body, position=position)
    for position, (slug, title, description, body) in enumerate(RESOURCES, start=1):
        add(Page.Kind.RESOURCE, slug, title, description, body, position=position)

    today = timezone.localdate()
    for position, (quote, name, role, organisation, consented) in enumerate(TESTIMONIALS, start=1):
        consent = (
            {
                "given_by": name,
                "given_on": today - dt.timedelta(days=40 * position),
                "method": "email",
                "note": "Email kept in the client folder",
            }
            if consented
            else None
        )
        quote_save(
            actor=admin,
            data={
                "quote": quote,
                "person_name": name,
                "person_role": role,
                "organisation_name": organisation,
                "position": position,
            },
            consent=consent,
        )

    now = timezone.now()
    enquiries = {}
    for org, contact, role, email, stage, days_ago, step, step_in, challenge, size, timing in ENQUIRIES:
        enquiry = Enquiry.objects.create(
            organisation_name=org,
            contact_name=contact,
            role=role,
            email=email,
            challenge=challenge,
            organisation_size=size,
            timing=timing,
            privacy_consent_at=now - dt.timedelta(days=days_ago),
            stage=stage,
            owner=None if stage == Stage.NEW and not step else designer,
            next_step=step,
            next_step_on=today + dt.timedelta(days=step_in) if step_in is not None else None,
        )
        Enquiry.objects.filter(pk=enquiry.pk).update(created_at=now - dt.timedelta(days=days_ago))
        enquiries[org] = enquiry
    notes = {
        "Meridian Foods": ["Lucy booked a call through the link. Three sites: Leeds, Hull, Grimsby."],
        "St Aldhelm's Hospice": [
            "Discovery call went well. Two sets of six ward sisters; they want in-person half days.",
            "Grace asked for the proposal to include training two internal facilitators in year two.",
        ],
        "Fenland Water": ["Proposal accepted by Claire and the COO. Start in the new year with four sets."],
        "Brightwell Academy Trust": ["Budget went to a coaching programme instead. Check back in a year."],
    }
    for org, texts in notes.items():
        for text in texts:
            EnquiryNote.objects.create(enquiry=enquiries[org], author=designer, text=text)

    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    day = today + dt.timedelta(days=2)
    made = 0
    while made < 8:
        if day.weekday() < 5:
            for hour in (10, 14):
                CallSlot.objects.create(host=designer, starts_at=dt.datetime.combine(day, dt.time(hour), tzinfo=tz))
                made += 1
        day += dt.timedelta(days=1)
    booked = CallSlot.objects.order_by("starts_at")[2]
    booked.enquiry = enquiries["Meridian Foods"]
    booked.booked_at = now
    booked.save(update_fields=["enquiry", "booked_at"])
