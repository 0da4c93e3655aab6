"""The access rule as a pure function: participants and company administrators, in the states the policy allows."""

from __future__ import annotations

from dataclasses import dataclass

from subgraphs.chat.policy.rules import ChatPolicy
from subgraphs.kernel.auth.principal import Principal
from subgraphs.kernel.events.contracts.tickets import TicketView

ADMIN = "tickets.manage"  # company administrators (and platform staff with its global form)
READER = "tickets.read"  # sees every ticket of the company, so may learn that a chat exists


@dataclass(frozen=True)
class ChatAccess:
    ticket: TicketView
    policy: ChatPolicy
    member: bool  # a participant of the ticket, or an administrator of its company
    sees_ticket: bool  # may know the ticket exists, even without taking part

    @property
    def read(self) -> bool:
        return self.member and self.policy.may_read(self.ticket.status)

    @property
    def write(self) -> bool:
        return self.member and self.policy.may_write(self.ticket.status)


def decide(principal: Principal, ticket: TicketView, policy: ChatPolicy) -> ChatAccess:
    company = ticket.company_id
    admin = principal.can(ADMIN, company)
    member = admin or (company == principal.company_id and ticket.takes_part(principal.user_id))
    return ChatAccess(ticket, policy, member, member or principal.can(READER, company))
