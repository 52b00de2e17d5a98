"""Property tests for configuration and rule files: any YAML document ends in a Config /
Rule or a ConfigError / RuleError naming the file, never another exception."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aksnetlint.config import load_config
from aksnetlint.errors import ConfigError, RuleError
from aksnetlint.rules import builtin_rules_dir, load_rule, parse_rule

EXAMPLES = int(os.environ.get("AKSNETLINT_FUZZ_EXAMPLES", "60"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])

scalars = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.text(max_size=8),
                    st.sampled_from(["AKS001", "AKS1", "high", "low", "true", "$.clusters[*]",
                                     "*", "legacy/*"]))
documents = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4),
    st.dictionaries(st.sampled_from(["select", "ignore", "severity", "per_path_ignores",
                                     "rules", "network", "hybrid", "rules_dirs", "exclude",
                                     "fail_on", "var_files", "show_unresolved", "AKS001",
                                     "threshold", "x"]), inner, max_size=4)), max_leaves=12)


@FUZZ
@given(documents)
def test_any_config_document(document: object) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / ".aksnetlint.yaml"
        path.write_text(yaml.safe_dump(document))
        try:
            load_config(path)
        except ConfigError as exc:
            assert path.as_posix() in str(exc)


@FUZZ
@given(st.text(max_size=200))
def test_any_config_text(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / ".aksnetlint.yaml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        with contextlib.suppress(ConfigError):  # anything else fails the property
            load_config(path)


RULE_TEXT = (builtin_rules_dir() / "AKS001.yaml").read_text(encoding="utf-8")
RULE = yaml.safe_load(RULE_TEXT)


@FUZZ
@given(st.sampled_from(sorted(RULE)), documents)
def test_rule_with_any_field_value(key: str, value: object) -> None:
    mutated = dict(RULE, **{key: value})
    try:
        parse_rule(mutated, "AKS001.yaml")
    except RuleError as exc:
        assert "AKS001.yaml" in str(exc)


@FUZZ
@given(st.integers(0, len(RULE_TEXT)), st.text(max_size=6))
def test_rule_file_with_spliced_text(cut: int, junk: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "AKS001.yaml"
        path.write_text(RULE_TEXT[:cut] + junk + RULE_TEXT[cut:], encoding="utf-8",
                        errors="surrogatepass")
        try:
            load_rule(path)
        except RuleError as exc:
            assert str(path) in str(exc)
