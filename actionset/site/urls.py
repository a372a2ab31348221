from django.urls import path

from actionset.site import views

app_name = "site"

urlpatterns = [
    # Provider staff: the pipeline and the site's editor.
    path("enquiries/", views.pipeline, name="pipeline"),
    path("enquiries/slots/", views.slots, name="slots"),
    path("enquiries/slots/<uuid:slot>/withdraw/", views.slot_withdraw, name="slot_withdraw"),
    path("enquiries/<uuid:enquiry>/", views.enquiry, name="enquiry"),
    path("enquiries/<uuid:enquiry>/update/", views.enquiry_update, name="enquiry_update"),
    path("enquiries/<uuid:enquiry>/notes/", views.enquiry_note, name="enquiry_note"),
    path("enquiries/<uuid:enquiry>/stage/", views.enquiry_stage, name="enquiry_stage"),
    path("enquiries/<uuid:enquiry>/booking-link/", views.enquiry_booking_link, name="enquiry_booking_link"),
    path("enquiries/<uuid:enquiry>/release/", views.enquiry_release, name="enquiry_release"),
    path("enquiries/<uuid:enquiry>/discard/", views.enquiry_discard, name="enquiry_discard"),
    path("enquiries/<uuid:enquiry>/convert/", views.enquiry_convert, name="enquiry_convert"),
    path("site-pages/", views.pages, name="pages"),
    path("site-pages/new/", views.page_new, name="page_new"),
    path("site-pages/<uuid:page>/", views.page_edit, name="page_edit"),
    path("site-pages/<uuid:page>/preview/", views.page_preview, name="page_preview"),
    path("site-pages/testimonials/", views.testimonials_manage, name="testimonials_manage"),
    path("site-pages/testimonials/new/", views.testimonial_new, name="testimonial_new"),
    path("site-pages/testimonials/<uuid:testimonial>/", views.testimonial_edit, name="testimonial_edit"),
    path(
        "site-pages/testimonials/<uuid:testimonial>/withdraw/",
        views.testimonial_withdraw,
        name="testimonial_withdraw",
    ),
    # Everyone: the public site.
    path("sitemap.xml", views.sitemap, name="sitemap"),
    path("robots.txt", views.robots, name="robots"),
    path("get-in-touch/", views.enquire, name="enquire"),
    path("get-in-touch/thanks/", views.enquire_thanks, name="enquire_thanks"),
    path("discovery-call/<str:token>/", views.book, name="book"),
    path("case-studies/", views.case_studies, name="case_studies"),
    path("case-studies/<slug:slug>/", views.case_study, name="case_study"),
    path("resources/", views.resources, name="resources"),
    path("resources/<slug:slug>/", views.resource, name="resource"),
    path("testimonials/", views.testimonials, name="testimonials"),
    # Last of all: pages staff add at the top level, under slugs checked against every prefix above.
    path("<slug:slug>/", views.page, name="page"),
]
