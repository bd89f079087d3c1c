"""Reads of the identity app: who may act for whom, and who sees what."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from .models import AgentAuthorization, OrganizationMember, User


def can_act_for(
    actor: User, principal: User, scope: str, *, item_code: str = "", at: Any = None
) -> bool:
    """May ``actor`` act for ``principal`` in ``scope`` (file, follow, resubmit, receive)?

    True for the principal themself, an operator of the principal's organisation, or an agent
    holding a current authorisation covering the scope (and the item, if restricted).
    """
    if not actor.is_authenticated or not actor.is_active:
        return False
    if actor.pk == principal.pk:
        return True
    if (
        principal.kind == User.Kind.ORGANIZATION
        and OrganizationMember.objects.filter(
            organization__account=principal, person=actor
        ).exists()
    ):
        return True
    return any(
        authorization.allows(scope, item_code=item_code, at=at)
        for authorization in AgentAuthorization.objects.filter(
            principal=principal, agent=actor, revoked_at=None
        )
    )


def principals_of(actor: User, scope: str) -> list[User]:
    """Everyone ``actor`` may currently act for in ``scope``, themself first."""
    now = timezone.now()
    principals: list[User] = [actor]
    for membership in OrganizationMember.objects.filter(person=actor).select_related(
        "organization__account"
    ):
        principals.append(membership.organization.account)
    for authorization in AgentAuthorization.objects.filter(
        agent=actor, revoked_at=None, expires_at__gt=now
    ).select_related("principal"):
        if authorization.allows(scope, at=now):
            principals.append(authorization.principal)
    return list(dict.fromkeys(principals))


def agent_authorizations(principal: User) -> QuerySet[AgentAuthorization]:
    return principal.agents_granted.select_related("agent")


# Roles that oversee every department (the centre and its supervisors).
CENTRE_WIDE_ROLES = ("centre_manager", "supervisor")


def department_scope(user: User) -> set[int] | None:
    """Department ids whose records ``user`` may see as staff: ``None`` means every
    department (centre managers, supervisors), an empty set means none."""
    if not user.is_authenticated or not user.is_active or user.kind != User.Kind.STAFF:
        return set()
    if user.has_role(*CENTRE_WIDE_ROLES):
        return None
    # From the grants the account read once already (role checks), not another query.
    scope = {department for _role, department in user.role_grant_pairs() if department is not None}
    if user.department_id is not None:
        scope.add(user.department_id)
    return scope
