"""Review links in the admin: editors make one for a named outside reviewer from a draft (or a
page not yet public), see their comments and verdicts on the page's form, in the review queue,
on the sign-off page and in the history, and revoke a link at any time."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.cache import patch_cache_control

from .. import drafts
from ..models import ReviewComment, ReviewLink, Status, Verdict
from ..models.reviewing import DEFAULT_DAYS, MAX_DAYS
from ..readers import site_origin


class ReviewLinkForm(forms.ModelForm):
    days = forms.IntegerField(
        label="Valid for (days)",
        min_value=1,
        max_value=MAX_DAYS,
        initial=DEFAULT_DAYS,
        help_text=f"At most {MAX_DAYS}. You can revoke it sooner.",
    )

    class Meta:
        model = ReviewLink
        fields = ("reviewer_name", "email", "role")


def review_summary(links):
    """“2 of 3 reviewers replied; 1 needs changes”, of the links to the current draft (not
    revoked, not ended with an earlier draft); "" for none."""
    links = [link for link in links if link.revoked_at is None and link.ended_at is None]
    if not links:
        return ""
    replied = sum(1 for link in links if link.replied)
    needs = sum(1 for link in links if link.verdict == Verdict.NEEDS_CHANGES)
    summary = f"{replied} of {len(links)} reviewer{'s' if len(links) != 1 else ''} replied"
    return summary + (f"; {needs} need{'s' if needs == 1 else ''} changes" if needs else "")


def links_with_replies(queryset):
    return queryset.annotate(
        replied=Exists(ReviewComment.objects.filter(link=OuterRef("pk"))),
        comment_count=Count("comments"),
    )


def summaries_by_page(model, page_ids):
    """{page id: summary} of the pages of this kind (ids) that have review links, in one
    query."""
    name = model._meta.model_name
    links = links_with_replies(
        ReviewLink.objects.filter(
            **{f"{name}__in": page_ids}, revoked_at__isnull=True, ended_at__isnull=True
        )
    )
    by_page = {}
    for link in links:
        by_page.setdefault(getattr(link, f"{name}_id"), []).append(link)
    return {page_id: review_summary(page_links) for page_id, page_links in by_page.items()}


def outside_review(page):
    """The page's review links with their comments, newest link first, and the summary."""
    links = list(
        links_with_replies(ReviewLink.objects.for_page(page))
        .select_related("created_by")
        .prefetch_related("comments")
    )
    current = drafts.fingerprint(page)
    for link in links:
        link.revoke_url = reverse(
            f"admin:articles_{page._meta.model_name}_revoke_review_link",
            args=[page.pk, link.pk],
        )
        for comment in link.comments.all():
            comment.earlier = comment.content != current
    return {"links": links, "summary": review_summary(links)}


class ReviewLinksMixin:
    """For PublishingAdmin: the page's review links, and the views that make and revoke them."""

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}"
        wrap = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/review-links/new/",
                wrap(self.new_review_link_view),
                name=f"{name}_review_link",
            ),
            path(
                "<path:object_id>/review-links/<int:link_id>/revoke/",
                wrap(self.revoke_review_link_view),
                name=f"{name}_revoke_review_link",
            ),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and request.user.has_perm("articles.view_reviewlink"):
            context["outside_review"] = {
                **outside_review(obj),
                "can_create": self.may_create_link(request, obj),
                "can_revoke": request.user.has_perm("articles.change_reviewlink"),
                "new_url": self.admin_url("review_link", obj),
                "needs_draft": obj.status == Status.PUBLISHED and obj.live_page_id is None,
            }
        return super().render_change_form(request, context, add, change, form_url, obj)

    def history_view(self, request, object_id, extra_context=None):
        # Reviewers' comments stay with the page's history, after its draft went live too.
        page = self.get_object(request, unquote(object_id))
        context = {**(extra_context or {})}
        if page is not None and request.user.has_perm("articles.view_reviewlink"):
            context["outside_review"] = outside_review(page)
        return super().history_view(request, object_id, context)

    def may_create_link(self, request, page):
        """A link shows a draft: of a live page, or a page nothing of which is public."""
        if page.status == Status.PUBLISHED and page.live_page_id is None:
            return False
        return request.user.has_perm("articles.add_reviewlink") and self.has_view_permission(
            request, page
        )

    def new_review_link_view(self, request, object_id):
        page = self.get_object(request, unquote(object_id))
        if page is None:
            raise Http404
        if not self.may_create_link(request, page):
            raise PermissionDenied
        form = ReviewLinkForm(request.POST or None)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"A review link for “{page}”",
            "page": page,
            "form": form,
            "change_url": self.admin_url("change", page),
        }
        if request.method == "POST" and form.is_valid():
            link, token = ReviewLink.create(
                page,
                days=form.cleaned_data["days"],
                created_by=request.user,
                **{name: form.cleaned_data[name] for name in ReviewLinkForm.Meta.fields},
            )
            context["link"] = link
            context["address"] = site_origin() + reverse("articles:review", args=[token])
        response = TemplateResponse(request, "admin/articles/review_link.html", context)
        # The address is shown once: never kept by a cache or the browser's history store.
        patch_cache_control(response, private=True, no_store=True)
        return response

    def revoke_review_link_view(self, request, object_id, link_id):
        page = self.get_object(request, unquote(object_id))
        if page is None:
            raise Http404
        link = ReviewLink.objects.for_page(page).filter(pk=link_id).first()
        if link is None:
            raise Http404
        if not request.user.has_perm("articles.change_reviewlink"):
            raise PermissionDenied
        if request.method == "POST" and link.revoked_at is None:
            link.revoke()
            messages.success(request, f"The review link for {link.reviewer_name} was revoked.")
        return redirect(self.admin_url("change", page))


class ReviewCommentInline(admin.TabularInline):
    model = ReviewComment
    fields = ("created", "verdict", "quote", "text")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ReviewLink)
class ReviewLinkAdmin(admin.ModelAdmin):
    """All review links: who was asked about which page, their verdict, and whether the link
    is open. Links are made from a page's form and never edited; revoking one ends it."""

    list_display = ("reviewer_name", "role", "page", "state", "verdict", "expires_at", "created")
    list_filter = ("role", "verdict", "article__series")
    list_select_related = ("article", "treatment")
    search_fields = ("reviewer_name", "article__title", "treatment__name")
    fields = (
        "reviewer_name",
        "email",
        "role",
        "page",
        "state",
        "verdict",
        "expires_at",
        "created_by",
        "created",
    )
    readonly_fields = fields
    inlines = (ReviewCommentInline,)
    actions = ("revoke",)

    def has_add_permission(self, request):
        return False  # from a page's form: it needs the page

    def has_delete_permission(self, request, obj=None):
        # The comments are part of the page's history: they go only with their page (deleted
        # by a publisher, whose deletion takes its links along), or one by one by a publisher.
        publisher = request.user.has_perm("articles.publish_article")  # as base.is_publisher
        return publisher and super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.display(description="Page")
    def page(self, obj):
        return str(obj.page)

    @admin.display(description="Link")
    def state(self, obj):
        if obj.revoked_at:
            return "Revoked"
        return "Open" if obj.is_open else "Ended"

    @admin.action(description="Revoke the selected links", permissions=["change"])
    def revoke(self, request, queryset):
        count = 0
        for link in queryset.filter(revoked_at__isnull=True):
            link.revoke()
            count += 1
        messages.success(request, f"Revoked {count} link{'s' if count != 1 else ''}.")
