"""`flask assignment solve --input FILE.json`: JSON out and exit 0, or one line of reason and exit 1."""

import json
from collections import Counter

import pytest

from tests.factories import EASTERN_AUTHORITIES as EASTERN


def run(app, tmp_path, content):
    path = tmp_path / "input.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return app.test_cli_runner().invoke(args=["assignment", "solve", "--input", str(path)])


def test_prints_the_assignment_as_json(app, tmp_path):
    document = {
        "authorities": EASTERN,
        "peers": 2,
        "conflicts": [["Essex", "Thurrock"]],
        "history": [["Luton", "Essex", 2024], ["Essex", "Luton", 2023]],
        "seed": 1,
    }

    result = run(app, tmp_path, document)

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith('{\n  "pairs": [')  # indented by 2
    output = json.loads(result.stdout)
    assert list(output) == ["pairs", "reciprocal", "repeated", "shared_reviewers", "optimal"]
    pairs = [tuple(pair) for pair in output["pairs"]]
    assert Counter(reviewer for reviewer, _ in pairs) == dict.fromkeys(EASTERN, 2)
    assert Counter(reviewed for _, reviewed in pairs) == dict.fromkeys(EASTERN, 2)
    assert not {("Essex", "Thurrock"), ("Thurrock", "Essex"), ("Luton", "Essex")} & set(pairs)
    assert output["reciprocal"] == output["repeated"] == output["shared_reviewers"] == 0
    assert output["optimal"] is True


def test_the_same_file_gives_the_same_output(app, tmp_path):
    document = {"authorities": EASTERN, "peers": 3, "seed": 9}

    assert run(app, tmp_path, document).stdout == run(app, tmp_path, document).stdout


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (
            {"authorities": ["Essex", "Luton"], "peers": 2},
            "Only 2 authorities are active; 2 peers per authority needs at least 3.",
        ),
        (
            {
                "authorities": EASTERN,
                "peers": 2,
                "conflicts": [["Thurrock", name] for name in EASTERN if name not in ("Thurrock", "Essex")],
            },
            "Thurrock has only one eligible reviewer after conflicts (it needs 2).",
        ),
        ({"authorities": EASTERN, "peers": 7}, "peers must be a whole number from 1 to 4, not 7"),
        (
            {"authorities": EASTERN, "peers": 2, "conflicts": [["Essex", "Barnet"]]},
            "The conflict between Essex and Barnet names Barnet, which is not listed",
        ),
        ('{"authorities": ["Essex",', "input.json is not valid JSON"),
        (b"\xff\xfe{}", "input.json: it is not UTF-8 text"),
    ],
)
def test_says_why_on_one_line_and_exits_1(app, tmp_path, content, reason):
    result = run(app, tmp_path, content)

    assert result.exit_code == 1
    assert result.stdout == ""
    assert reason in result.stderr
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize(
    ("name", "reason"), [("missing.json", "No such file or directory"), (".", "Is a directory")]
)
def test_an_unreadable_file_is_one_line_and_exit_1(app, tmp_path, name, reason):
    result = app.test_cli_runner().invoke(args=["assignment", "solve", "--input", str(tmp_path / name)])

    assert result.exit_code == 1
    assert result.stderr == f"Cannot read {tmp_path / name}: {reason}\n"


def test_groups_mode_prints_the_groups_as_json(app, tmp_path):
    document = {
        "mode": "groups",
        "group_size": 3,
        "authorities": EASTERN,
        "conflicts": [["Essex", "Thurrock"]],
        "history": [["Luton", "Essex", 2024]],  # read both ways: Essex and Luton are kept apart too
        "seed": 1,
    }

    result = run(app, tmp_path, document)

    assert result.exit_code == 0, result.output
    output = json.loads(result.stdout)
    assert list(output) == ["groups", "repeated", "optimal"]
    assert sorted(len(members) for members in output["groups"]) == [3, 4, 4]  # 11 authorities
    assert sorted(name for members in output["groups"] for name in members) == sorted(EASTERN)
    for members in output["groups"]:
        assert not {"Essex", "Thurrock"} <= set(members) and not {"Essex", "Luton"} <= set(members)
    assert output["repeated"] == 0 and output["optimal"] is True


def test_groups_mode_without_a_grouping_exits_1_with_the_reason_on_one_line(app, tmp_path):
    names = ["Essex", "Luton", "Suffolk"]
    document = {"mode": "groups", "authorities": names, "conflicts": [["Essex", "Luton"]]}

    result = run(app, tmp_path, document)

    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "Essex can share a group with only one other authority after conflicts (a group of 3 needs 2). "
        "Luton has too few as well. Remove a conflict or choose smaller groups.\n"
    )
