"""Django admin for platform admins: users, their memberships, API tokens, audit log.

The admin site is restricted to active platform admins (``is_staff`` alone is not
enough). Changes that the accounts domain audits (memberships, token revocation, the
platform-admin flag) go through ``accounts.services`` here too, so the admin leaves the
same audit rows as the espace agents and the API.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from parvis.accounts import audit, scoping, services
from parvis.accounts.models import ApiToken, AuditEvent, Membership, User, normalize_email
from parvis.core.admin import ReadOnlyAdmin


def platform_admins_only(request: HttpRequest) -> bool:
    """Replacement for ``AdminSite.has_permission``: active platform admins only."""
    user = request.user
    return bool(user.is_staff and scoping.is_platform_admin(user))


# The default site is the one mounted at /admin/ by parvis.urls.
admin.site.has_permission = platform_admins_only  # type: ignore[method-assign]


def _unique_normalised_email(form: forms.ModelForm[User]) -> str:
    """The address typed, normalised as every account's is; refused when another account
    has it, whatever its case."""
    email = normalize_email(form.cleaned_data["email"])
    others = User.objects.filter(email__iexact=email)
    if form.instance.pk:
        others = others.exclude(pk=form.instance.pk)
    if others.exists():
        raise forms.ValidationError(_("Un compte existe déjà avec cette adresse."))
    return email


class UserAddForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name")

    def clean_email(self) -> str:
        return _unique_normalised_email(self)


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"

    def clean_email(self) -> str:
        return _unique_normalised_email(self)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ("role", "organisation", "local_service", "site", "created_at")
    readonly_fields = ("created_at",)
    autocomplete_fields = ()
    raw_id_fields = ("organisation", "local_service", "site")
    verbose_name = _("habilitation")
    verbose_name_plural = _("habilitations")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserEditForm
    add_form = UserAddForm
    inlines = [MembershipInline]
    ordering = ("email",)
    list_display = (
        "email",
        "full_name",
        "is_active",
        "is_platform_admin",
        "is_platform_moderator",
        "last_login",
    )
    list_filter = ("is_active", "is_platform_admin", "is_platform_moderator")
    search_fields = ("email", "full_name")
    readonly_fields = ("last_login", "date_joined", "is_staff", "is_superuser")
    filter_horizontal = ()
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Identité"), {"fields": ("full_name",)}),
        (
            _("Accès"),
            {
                "fields": (
                    "is_active",
                    "is_platform_admin",
                    "is_platform_moderator",
                    "is_staff",
                    "is_superuser",
                )
            },
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "full_name", "usable_password", "password1", "password2"),
            },
        ),
    )

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        # Platform admins, and only they, reach the admin and hold every model permission.
        previous = User.objects.filter(pk=obj.pk).values_list("is_platform_admin", flat=True)
        was_platform_admin = bool(previous.first()) if change else False
        obj.is_staff = obj.is_superuser = bool(obj.is_platform_admin)
        super().save_model(request, obj, form, change)
        if was_platform_admin != obj.is_platform_admin:
            services.audit_record(
                actor=request.user,
                action="user.platform_admin_changed",
                target=obj,
                data={"is_platform_admin": obj.is_platform_admin},
            )

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not Membership:
            super().save_formset(request, form, formset, change)
            return
        # Memberships change through the audited services, never by a bare save().
        formset.save(commit=False)
        user = form.instance
        for membership in formset.deleted_objects:
            services.membership_revoke(actor=request.user, membership=membership)
        for membership, changed in formset.changed_objects:
            if set(changed) == {"role"}:
                original = Membership.objects.get(pk=membership.pk)
                services.membership_change_role(
                    actor=request.user, membership=original, role=membership.role
                )
            else:
                services.membership_revoke(
                    actor=request.user, membership=Membership.objects.get(pk=membership.pk)
                )
                self._grant(request, user, membership)
        for membership in formset.new_objects:
            self._grant(request, user, membership)

    @staticmethod
    def _grant(request: HttpRequest, user: User, membership: Membership) -> None:
        services.membership_grant(
            actor=request.user,
            user=user,
            role=membership.role,
            organisation=membership.organisation,
            local_service=membership.local_service,
            site=membership.site,
        )


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = (
        "name",
        "prefix",
        "organisation",
        "scope",
        "created_at",
        "expires_at",
        "revoked_at",
        "last_used_at",
    )
    list_filter = ("scope", "organisation")
    search_fields = ("name", "prefix", "organisation__name")
    list_select_related = ("organisation",)
    readonly_fields = (
        "name",
        "organisation",
        "prefix",
        "digest",
        "scope",
        "created_by",
        "created_at",
        "expires_at",
        "revoked_at",
        "last_used_at",
    )
    actions = ["revoke"]

    @admin.action(description=_("Révoquer les jetons sélectionnés"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        count = 0
        for token in queryset.filter(revoked_at__isnull=True):
            services.api_token_revoke(actor=request.user, token=token)
            count += 1
        self.message_user(request, f"{count} jeton(s) révoqué(s).", messages.SUCCESS)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Needed for the revoke action on the list; the change form stays read-only.
        return obj is None and platform_admins_only(request)


class AuditActionFilter(admin.SimpleListFilter):
    """Actions by their French label (``accounts.audit``)."""

    title = _("action")
    parameter_name = "action"

    def lookups(self, request: HttpRequest, model_admin: Any) -> Any:
        return sorted(
            ((code, action.label) for code, action in audit.registered().items()),
            key=lambda pair: str(pair[1]),
        )

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "action_label",
        "actor_name",
        "target",
        "organisation",
    )
    list_filter = (AuditActionFilter, "target_type")
    search_fields = ("action", "target_type", "target_id", "actor_label")
    date_hierarchy = "created_at"
    list_select_related = ("organisation",)
    readonly_fields = (
        "created_at",
        "actor",
        "actor_name",
        "action_label",
        "details",
        "target_type",
        "target_id",
        "organisation",
        "data",
    )
    exclude = ("actor_label", "action")  # shown in French (``actor_name``, ``action_label``)

    @admin.display(description=_("action"), ordering="action")
    def action_label(self, obj: AuditEvent) -> str:
        return audit.action_label(obj.action)

    @admin.display(description=_("auteur"), ordering="actor_label")
    def actor_name(self, obj: AuditEvent) -> str:
        return audit.actor_label(obj.actor_label)

    @admin.display(description=_("détails"))
    def details(self, obj: AuditEvent) -> str:
        return audit.details(obj.action, obj.data)

    @admin.display(description=_("objet"), ordering="target_type")
    def target(self, obj: AuditEvent) -> str:
        return f"{audit.target_label(obj.target_type)} n° {obj.target_id}"
