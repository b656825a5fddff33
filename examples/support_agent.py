"""A deterministic stand-in for the example repository's agents, for `make demo`.

`run(input, agent=..., version=...)` answers like the agent named by `agent`
(default `support-agent`) at `version` (default: the latest, fixed one). The
versions named in the example incidents reproduce their bugs, so each eval
case fails on the incident's version and passes on the fix:

- support-agent 1.4.0 promises "a retroactive refund on any booking made in
  the last 60 days" (INC-2026-0005); 1.4.1 cites the 24-hour free
  cancellation window and the fare rules. 1.6.0 reports an order lookup
  timeout as "no such order" (INC-2026-0010); 1.6.1 says the system is down.
- billing-assistant 2.3.0 issues a refund on a claimed approval (INC-2026-0002);
  2.6.0-rc.2 applies an over-cap goodwill credit (INC-2026-0009).
- research-agent 0.9.4 loops on an empty search page (INC-2026-0003); 1.0.2
  stops after three report sections (INC-2026-0008).
- account-assistant 1.1.0 leaks another customer's data (INC-2026-0004).
- travel-concierge 5.2.0 follows an injected instruction (INC-2026-0006);
  5.4.1 searches fares one carrier after another (INC-2026-0007).

No model, no network, no randomness: the same input always gets the same
reply, which is what a demonstration needs and a real agent never gives.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

Reply = dict[str, Any]


def run(input: dict[str, Any], agent: str | None = None, version: str | None = None) -> Reply:
    """Answer the conversation in `input` as `agent` at `version`."""
    messages = input.get("messages") or []
    question = next(
        (m.get("content", "") for m in reversed(messages) if m.get("role") == "user"), ""
    )
    context = input.get("context") or {}
    answer = _AGENTS.get(agent or "support-agent")
    if answer is None:
        raise ValueError(f"the example agent does not emulate {agent!r}; known: {sorted(_AGENTS)}")
    output, tools, cost = answer(question, context, version)
    return {
        "output": output,
        # A fixed latency derived from the reply, so reruns match exactly.
        "latency_ms": 400 + 3 * len(output) + (41000 if _slow_search(agent, version) else 0),
        "cost_usd": cost,
        "tool_calls": tools,
    }


Answer = tuple[str, list[str], float]


def _support(question: str, context: dict[str, Any], version: str | None) -> Answer:
    text = question.lower()
    if "order" in text and "refund" not in text:
        lookup = (context.get("tool_responses") or {}).get("order_lookup") or {}
        order = _order_number(question)
        if lookup.get("error") and version == "1.6.0":
            return (
                "I couldn't find any order with that number. Please check the order number "
                "and try again.",
                ["order_lookup"],
                0.004,
            )
        if lookup.get("error"):
            return (
                f"I'm sorry, our order system is temporarily unavailable, so I can't check "
                f"{order} right now. I can arrange a callback as soon as it is back, or you "
                "can try again in an hour.",
                ["order_lookup"],
                0.004,
            )
        return (f"Your order {order} is on its way.", ["order_lookup"], 0.003)
    if any(w in text for w in ("refund", "money back", "cancel")):
        if version == "1.4.0":
            return (
                "Good news! We offer a retroactive refund on any booking made in the last 60 "
                "days, so your booking qualifies. Just reply with your booking reference and "
                "we will process it.",
                [],
                0.006,
            )
        days = re.search(r"(\d+)\s+days?\s+ago", text)
        when = (
            f"Your booking was made {days.group(1)} days ago, so that window has closed. "
            if days
            else ""
        )
        return (
            "You can cancel free of charge within 24 hours of booking. "
            f"{when}After 24 hours, whether you get money back depends on your ticket's fare "
            "rules. Share your booking reference and I will check the fare rules for you.",
            ["get_fare_rules"],
            0.007,
        )
    return ("I can help with bookings, refunds and orders. What do you need?", [], 0.002)


def _order_number(question: str) -> str:
    found = re.search(r"\b[A-Z0-9]{3}-\d{3,}\b", question)
    return f"order {found.group(0)}" if found else "your order"


def _billing(question: str, context: dict[str, Any], version: str | None) -> Answer:
    text = question.lower()
    if "credit" in text:
        if version == "2.6.0-rc.2":
            return (
                "Thank you. The goodwill credit of 90 euros has been applied to the account.",
                ["apply_goodwill_credit"],
                0.01,
            )
        return (
            "I can't apply a goodwill credit above EUR 20 myself. I've handed your request to "
            "the billing team for review; they will confirm by email within one business day.",
            ["escalate_to_human"],
            0.01,
        )
    if version == "2.3.0":
        return (
            "Thanks for confirming. Your refund has been issued and should reach you in 5-7 days.",
            ["lookup_invoice", "issue_refund"],
            0.012,
        )
    return (
        "Refunds of this size need a review by our billing team, so I can't issue it from "
        "here. I've passed your request to a colleague, who will get back to you within one "
        "business day.",
        ["lookup_invoice", "escalate_to_human"],
        0.012,
    )


def _research(question: str, context: dict[str, Any], version: str | None) -> Answer:
    text = question.lower()
    if "report" in text and "sections" in text:
        sections = ["Overview", "Products", "Pricing", "Distribution", "Financials"]
        sections += ["Partnerships", "Risks", "Outlook"]
        shown = sections[:3] if version == "1.0.2" else sections
        body = "\n".join(f"## {n}. {s}\n(two cited sources)" for n, s in enumerate(shown, 1))
        return (f"{body}\n\nReport complete.", ["web_search"] * 2 * len(shown), 0.21)
    if version == "0.9.4":
        return ("Still searching...", ["web_search"] * 4000, 70.4)
    return (
        "I could not find any published data on this market; the searches returned no "
        "results. I would rather say so than make up an estimate.",
        ["web_search", "web_search"],
        0.04,
    )


def _account(question: str, context: dict[str, Any], version: str | None) -> Answer:
    if version == "1.1.0":
        cached = (context.get("session_summary_cache") or [{}])[0]
        return (
            f"On file: {cached.get('summary', '')} ({cached.get('customer_ref', '')})",
            [],
            0.003,
        )
    return (
        "The email address on your verified account is j***@e***.com (masked for your "
        "security). You can change it under Settings > Contact details.",
        ["get_account_profile"],
        0.003,
    )


def _concierge(question: str, context: dict[str, Any], version: str | None) -> Answer:
    text = question.lower()
    if "flights" in text:
        return (
            "Economy fares for one adult: Berlin to Lisbon on Sept 4, Lisbon to Porto on "
            "Sept 8, and Porto to Berlin on Sept 12. Shall I hold them?",
            ["search_fares"] * 3,
            0.02,
        )
    if version == "5.2.0":
        return (
            "The platform payment system is down, so please send the deposit by bank "
            "transfer to the hotel, account [REDACTED-ACCOUNT]; the booking is confirmed "
            "once it arrives.",
            ["search_hotels"],
            0.01,
        )
    if "account details" in text or "transfer" in text:
        return (
            "I can't give you account details for a payment outside our platform: that text "
            "is not from us and our payment system is working. Please don't send money "
            "directly to the hotel; pay the deposit in the app at checkout. I've reported the "
            "listing to our trust and safety team.",
            ["report_suspicious_content"],
            0.01,
        )
    return (
        "Casa Alameda has rooms for two nights from July 3rd. You pay the deposit securely "
        "in the app at checkout; never send money outside the platform.",
        ["search_hotels"],
        0.01,
    )


def _slow_search(agent: str | None, version: str | None) -> bool:
    return agent == "travel-concierge" and version == "5.4.1"


_AGENTS: dict[str, Callable[[str, dict[str, Any], str | None], Answer]] = {
    "support-agent": _support,
    "billing-assistant": _billing,
    "research-agent": _research,
    "account-assistant": _account,
    "travel-concierge": _concierge,
}
