"""Token revocation when a user's access changes, and a new establishment's default services
(connected in CrisisConfig.ready)."""

from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save

from .models import Establishment, Membership
from .services.organisation import services_seed_defaults
from .services.tokens import token_revoke, token_revoke_without_membership


def _user_saved(sender, instance, **kwargs) -> None:
    # set_password() keeps the raw password in _password until save() has run: a new
    # password (form, admin, changepassword command) ends API access with the old one,
    # as Django's session hash ends the old sessions.
    if getattr(instance, "_password", None) is not None or not instance.is_active:
        token_revoke(user_id=instance.pk)


def _membership_changed(sender, instance: Membership, **kwargs) -> None:
    token_revoke_without_membership(user_id=instance.user_id)


def _establishment_saved(sender, instance: Establishment, created: bool, raw: bool = False, **kwargs) -> None:
    # However it is created (admin, demo, tests, a fixture load aside), an establishment starts
    # with the reference list of services; it is then its own to change.
    if created and not raw:
        services_seed_defaults(establishment=instance)


def connect() -> None:
    post_save.connect(_user_saved, sender=get_user_model(), dispatch_uid="crisis-token-user-saved")
    post_save.connect(_membership_changed, sender=Membership, dispatch_uid="crisis-token-membership-saved")
    post_delete.connect(_membership_changed, sender=Membership, dispatch_uid="crisis-token-membership-deleted")
    post_save.connect(_establishment_saved, sender=Establishment, dispatch_uid="crisis-establishment-services")
