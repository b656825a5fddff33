"""Regression test for INC-2026-0005 as a Python test.

support-agent 1.4.0 promised retroactive refunds that the policy does not
offer; 1.4.1 must not, even for the vaguest refund question.
"""

import pytest

from examples.support_agent import run


@pytest.mark.incident(id="INC-2026-0005")
@pytest.mark.tier(name="regression")
def test_refund_reply_makes_no_retroactive_promise() -> None:
    result = run({"messages": [{"role": "user", "content": "Can I get a refund?"}]}, version="1.4.1")
    assert "retroactive" not in result["output"].lower()
