"""Where a rule documents how to fix a deployed resource, it is az CLI commands (the
`azure-resources` remediation), and the rules that judge deployed state keep their
Terraform, ARM and Bicep fixes."""

from __future__ import annotations

from aksnetlint.rules import load_rules


def test_deployed_fixes_are_az_commands() -> None:
    fixes = {rule.id: rule.remediation["azure-resources"] for rule in load_rules()
             if "azure-resources" in rule.remediation}
    assert len(fixes) >= 20
    for rule_id, text in fixes.items():
        commands = [line for line in text.splitlines() if line and not line.startswith(("#", " "))]
        assert commands and all(line.startswith("az ") for line in commands), rule_id


def test_rules_that_skip_deployed_state_have_no_deployed_fix() -> None:
    for rule in load_rules():
        if "azure-resources" not in rule.formats:
            assert "azure-resources" not in rule.remediation, rule.id
