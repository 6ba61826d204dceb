"""Accounts: users (email login), role memberships, API tokens and the audit log."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parvis.directory.models import LocalService, Organisation, Site


def normalize_email(address: str) -> str:
    """The one form of a login address, whatever path it comes by (creation, sign-up,
    admin edit, login, lockout counters): trimmed and lowercased whole, so that
    ``Agent@X.fr`` and ``agent@x.fr`` are one account with one lockout counter."""
    return BaseUserManager.normalize_email(address.strip()).lower()


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True, is_platform_admin=True)
        return self.create_user(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> User:
        """Every authentication path (login form, admin login) finds the account by its
        normalised address."""
        return self.get(email=normalize_email(username or ""))


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("adresse électronique"), unique=True)
    full_name = models.CharField(_("nom complet"), max_length=200, blank=True)
    is_active = models.BooleanField(_("actif"), default=True)
    is_staff = models.BooleanField(_("accès à l’administration Django"), default=False)
    is_platform_admin = models.BooleanField(_("administrateur de la plateforme"), default=False)
    is_platform_moderator = models.BooleanField(_("modérateur de la plateforme"), default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")

    def __str__(self) -> str:
        return self.full_name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = normalize_email(self.email or "")

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Role(models.TextChoices):
    AGENT = "agent", _("Agent")
    SUPERVISOR = "supervisor", _("Superviseur")
    QUALITY_MANAGER = "quality_manager", _("Responsable qualité")
    ORGANISATION_ADMIN = "organisation_admin", _("Administrateur de l’organisme")


class Membership(models.Model):
    """A role held within exactly one organisation, local service or site."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("rôle"), max_length=30, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="memberships"
    )
    local_service = models.ForeignKey(
        LocalService, on_delete=models.CASCADE, null=True, blank=True, related_name="memberships"
    )
    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, null=True, blank=True, related_name="memberships"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user", "role"]
        constraints = [
            models.CheckConstraint(
                name="membership_exactly_one_scope",
                condition=(
                    models.Q(
                        organisation__isnull=False, local_service__isnull=True, site__isnull=True
                    )
                    | models.Q(
                        organisation__isnull=True, local_service__isnull=False, site__isnull=True
                    )
                    | models.Q(
                        organisation__isnull=True, local_service__isnull=True, site__isnull=False
                    )
                ),
            ),
        ]
        verbose_name = _("habilitation")
        verbose_name_plural = _("habilitations")

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.scope_object}"

    @property
    def scope_object(self) -> Organisation | LocalService | Site | None:
        return self.organisation or self.local_service or self.site

    @property
    def owning_organisation(self) -> Organisation | None:
        """The organisation the role is held in: its own, its local service's, or its
        site's (a site without an organisation: ``None``)."""
        if self.organisation is not None:
            return self.organisation
        if self.local_service is not None:
            return self.local_service.organisation
        return self.site.organisation if self.site is not None else None

    def clean(self) -> None:
        if (
            sum(x is not None for x in (self.organisation_id, self.local_service_id, self.site_id))
            != 1
        ):
            raise ValidationError(
                _("Une habilitation porte sur un seul organisme, service local ou site.")
            )


class ApiToken(models.Model):
    """A per-organisation API key. Only a SHA-256 digest of the secret is stored."""

    class Scope(models.TextChoices):
        READ = "read", _("Lecture")
        WRITE = "write", _("Lecture et écriture")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("nom"), max_length=100)
    prefix = models.CharField(_("préfixe"), max_length=16, unique=True)
    digest = models.CharField(max_length=64, unique=True)
    scope = models.CharField(
        verbose_name=_("droits"), max_length=10, choices=Scope.choices, default=Scope.READ
    )
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expire le"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("dernier usage le"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("jeton d’API")
        verbose_name_plural = _("jetons d’API")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class AuditEvent(models.Model):
    """Who did what, when, to which object. Never personal data in ``data``."""

    actor = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    actor_label = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=100, db_index=True)
    target_type = models.CharField(verbose_name=_("type d’objet"), max_length=100)
    target_id = models.CharField(max_length=64)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("date et heure"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("événement d’audit")
        verbose_name_plural = _("événements d’audit")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target_type}:{self.target_id}"
