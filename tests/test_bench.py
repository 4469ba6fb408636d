"""The benchmark harness runs end to end at a tiny scale and prints one JSON object with every key.

Only keys and types are asserted: speed belongs in bench/, never in a test.
"""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

NUMBER_KEYS = [
    "startup_ms",
    "baseline_startup_ms",
    "select_client_ms",
    "log_interaction_ms",
    "risk_all_ms",
    "who_ms",
    "version_ms",
    "rss_mb",
]


def test_bench_prints_one_json_object_with_every_figure_at_a_tiny_scale():
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench",
            "--clients",
            "500",
            "--interactions",
            "5000",
            "--runs",
            "1",
            "--keystrokes",
            "8",
            "--skip-imports",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1, "stdout must hold exactly the JSON object; progress goes to stderr"
    figures = json.loads(lines[0])
    assert figures["clients"] == 500
    assert figures["interactions"] == 5000
    assert figures["runs"] == 1
    assert isinstance(figures["machine"], str) and figures["machine"]
    for key in NUMBER_KEYS:
        assert isinstance(figures[key], (int, float)) and figures[key] > 0, key
    keystroke = figures["filter_keystroke_ms"]
    assert set(keystroke) == {"median", "p95"}
    assert all(isinstance(value, (int, float)) and value > 0 for value in keystroke.values())
    assert keystroke["p95"] >= keystroke["median"]
    floor = figures["floor_keystroke_ms"]
    assert floor["median"] > 0 and floor["p95"] >= floor["median"]
    assert set(figures["ratios_to_floor"]) == {"filter_median", "filter_p95", "select", "save"}
    assert figures["ratios_to_floor"]["select"] == round(
        figures["select_client_ms"] / floor["median"], 2
    )
    for key in ("search_ms", "search_keystroke_ms"):
        assert set(figures[key]) == {"median", "p95"}, key
        assert all(isinstance(value, (int, float)) for value in figures[key].values()), key
    assert isinstance(figures["search_cli_ms"], (int, float)) and figures["search_cli_ms"] > 0


def test_the_vcard_figure_imports_every_card_and_times_khard_on_the_same_cards(tmp_path):
    from bench.vcards import cards, measure

    made = cards(40)
    assert len({card.split("UID:")[1].split()[0] for card in made}) == 40
    figures = measure(str(Path(sys.executable).parent / "callsheet"), count=40)
    assert figures["import_vcf_10k_ms"] > 0 and figures["cards_imported"] == 40
    assert figures["khard_list_10k_ms"] > 0, figures
