"""The product contract (docs/rules.md, "The contract": the triage, withholding and
safety filter tables; docs/result.md, "What every plan holds") transcribed line by
line into plain Python.

This is deliberately independent of the rule files and of both engines: the property
tests compare the product against it, so a mistyped condition in `rules/` or a
mistranslation in an engine fails here. The contract's tables are written by hand, not
generated from the rule files, for the same reason.
"""

from __future__ import annotations

from typing import Any

LEVEL_RANK = {"none": 0, "soon": 1, "urgent": 2, "emergency": 3}


def red_flags(a: dict[str, Any]) -> dict[str, str]:
    """docs/rules.md, "Red flags and the yellow flag": rule id -> level, for every flag
    that fires."""
    rf, h = a["red_flags"], a["history"]
    areas = set(a["pain_areas"])
    fired: dict[str, str] = {}

    def fire(rule_id: str, level: str, condition: bool) -> None:
        if condition:
            fired[rule_id] = level

    fire("RF-CES-SADDLE", "emergency", rf["saddle_numbness"])
    fire("RF-CES-BLADDER", "emergency", rf["bladder_bowel_change"])
    fire("RF-CES-SEXUAL", "emergency", rf["sexual_dysfunction"])
    fire("RF-CES-BILATERAL", "emergency", rf["both_legs_symptoms"])
    fire("RF-CARDIAC", "emergency", rf["chest_pain"])
    fire("RF-AORTA", "emergency", rf["tearing_pain"])
    fire("RF-PE", "emergency", rf["breathlessness"])
    fire("RF-STROKE", "emergency", rf["stroke_signs"])
    major, recent = a["onset"] == "major_injury", a["pain_duration"] == "under_6_weeks"
    fire("RF-TRAUMA", "urgent", major and recent)
    fire(
        "RF-TRAUMA-HIGH-RISK",
        "emergency",
        major
        and recent
        and (
            a["age"] >= 65
            or rf["limb_pain_or_tingling"]
            or rf["limb_weakness_worsening"]
            or rf["clumsy_hands_or_unsteady_walking"]
        ),
    )
    fire("RF-TRAUMA-PAST", "soon", major and not recent)
    fire(
        "RF-MSCC",
        "emergency",
        h["cancer"]
        and (
            rf["limb_weakness_worsening"]
            or rf["clumsy_hands_or_unsteady_walking"]
            or rf["both_legs_symptoms"]
            or rf["bladder_bowel_change"]
        ),
    )
    fire("RF-EPIDURAL-ABSCESS", "emergency", rf["fever"] and rf["limb_weakness_worsening"])
    fire("RF-WEAKNESS", "urgent", rf["limb_weakness_worsening"])
    fire("RF-MYELOPATHY", "urgent", rf["clumsy_hands_or_unsteady_walking"])
    fire("RF-INFECTION", "urgent", rf["fever"])
    fire(
        "RF-SPINAL-METS",
        "urgent",
        h["cancer"]
        and (
            bool(areas & {"neck", "upper_back", "mid_back"})
            or rf["night_pain"]
            or a["pain_trend"] == "worsening"
            or a["pain_intensity"] >= 8
        ),
    )
    fire("RF-CANCER-WEIGHT", "urgent", h["cancer"] and rf["unexplained_weight_loss"])
    fire(
        "RF-FRACTURE",
        "urgent",
        (a["onset"] == "minor_injury" and a["age"] >= 65)
        or (
            a["onset"] in ("minor_injury", "sudden")
            and (
                h["osteoporosis"]
                or h["long_term_steroids"]
                or h["fragility_fracture"]
                or a["age"] >= 70
            )
        ),
    )
    fire(
        "RF-NECK-TRAUMA",
        "urgent",
        "neck" in areas
        and a["onset"] == "minor_injury"
        and (a["age"] >= 65 or rf["limb_pain_or_tingling"]),
    )
    fire("RF-AAA", "emergency", rf["abdominal_or_pulsing_pain"] and a["age"] >= 50)
    fire("RF-UCI", "urgent", rf["head_unstable"])
    fire("RF-CAD-RISK", "urgent", rf["headache_after_neck_event"])
    fire(
        "RF-INFECTION-NEW",
        "urgent",
        (h["immunosuppressed"] or h["injects_drugs"]) and a["pain_duration"] == "under_6_weeks",
    )
    warning_signs = [
        h["cancer"],
        rf["unexplained_weight_loss"],
        rf["night_pain"],
        rf["fever"],
        h["immunosuppressed"] or h["long_term_steroids"],  # one drug effect, counted once
        h["injects_drugs"],
    ]
    fire("RF-COMBINED", "urgent", sum(warning_signs) >= 2)
    fire("RF-ARTERY", "emergency", rf["sudden_severe_neck_pain"])
    fire("RF-SHINGLES", "urgent", rf["one_sided_band_rash"])
    fire("RF-CANCER-HISTORY", "soon", h["cancer"])
    fire("RF-WEIGHT-LOSS", "soon", rf["unexplained_weight_loss"])
    fire("RF-NIGHT-PAIN", "soon", rf["night_pain"])
    fire("RF-INFECTION-RISK", "soon", h["immunosuppressed"] or h["injects_drugs"])
    fire("RF-UCI-RISK", "soon", h["upper_neck_risk"] and "neck" in areas)
    fire("RF-RADICULOPATHY", "soon", rf["limb_pain_or_tingling"])
    fire("RF-GALLBLADDER", "soon", rf["right_upper_abdominal_pain"])
    fire(
        "RF-INFLAMMATORY",
        "soon",
        a["pain_duration"] == "over_12_weeks"
        and (a["age"] < 45 or h["pain_began_before_45"])
        and (rf["morning_stiffness"] or rf["inflammatory_signs"] or h["spa_related_condition"]),
    )
    fire("RF-CLAUDICATION", "soon", rf["walking_leg_pain"])
    fire("RF-PMR", "soon", rf["girdle_stiffness"] and a["age"] >= 50)
    fire("RF-GCA", "urgent", rf["gca_signs"] and a["age"] >= 50)
    fire("YF-OUTLOOK", "soon", sum(a["outlook"].values()) >= 3)
    fire(
        "RF-AGE-ONSET",
        "soon",
        (a["age"] < 20 or a["age"] > 55) and a["pain_duration"] == "under_6_weeks",
    )
    fire(
        "RF-PERSISTENT",
        "soon",
        a["pain_duration"] != "under_6_weeks" and a["pain_trend"] != "improving",
    )
    fire("RF-WORSENING", "soon", a["pain_trend"] == "worsening")
    fire("RF-SEVERE", "soon", a["pain_intensity"] >= 8)
    return fired


def level(a: dict[str, Any]) -> str:
    return max(red_flags(a).values(), key=LEVEL_RANK.__getitem__, default="none")


def exclusions(a: dict[str, Any], exercise: dict[str, Any], triage_level: str) -> set[str]:
    """docs/rules.md, "Safety filters": the ids of every filter that excludes `exercise`
    (catalog JSON)."""
    h, rf = a["history"], a["red_flags"]
    rules: set[str] = set()
    floor = {"all_fours", "kneeling", "lying_back", "lying_front", "lying_side"}
    props, positions = set(exercise["properties"]), set(exercise["positions"])
    floor_only = positions <= floor
    if not set(exercise["equipment"]) <= set(a["equipment"]):
        rules.add("EX-EQUIPMENT")
    if not set(exercise["areas"]) & set(a["pain_areas"]):
        rules.add("EX-AREA")
    if h["cannot_get_on_floor"] and floor_only:
        rules.add("EX-FLOOR")
    if a["pregnancy"] == "later_trimester" and (
        positions <= {"lying_back", "lying_front"} or props & {"loaded_flexion", "end_range_spine"}
    ):
        rules.add("EX-PREGNANCY")
    if a["pregnancy"] == "postnatal" and "loaded_flexion" in props:
        rules.add("EX-POSTNATAL")
    fragile = (
        h["osteoporosis"] or h["long_term_steroids"] or h["fragility_fracture"] or a["age"] >= 65
    )
    if fragile and props & {"loaded_flexion", "end_range_spine", "rolling_on_spine"}:
        rules.add("EX-BONE")
    if h["shoulder_problem"] and props & {"arm_elevation", "weight_on_arms"}:
        rules.add("EX-SHOULDER")
    # Falls: balance without support (unless it can be done sitting), the head below
    # the heart (sitting or not: the dizziness comes on sitting up) and the floor.
    if (h["balance_problems"] or a["age"] >= 80) and (
        ("unsupported_balance" in props and "sitting" not in positions)
        or "head_below_heart" in props
        or floor_only
    ):
        rules.add("EX-BALANCE")
    if h["hypermobility"] and "end_range_spine" in props:
        rules.add("EX-HYPERMOBILE")
    neck_care = h["upper_neck_risk"] or ("neck" in a["pain_areas"] and rf["limb_pain_or_tingling"])
    if neck_care and "neck" in exercise["areas"] and "end_range_spine" in props:
        rules.add("EX-NECK-CARE")
    if rf["walking_leg_pain"] and "spine_extension" in props:
        rules.add("EX-STENOSIS")
    if h["hip_replacement"] and "deep_hip_flexion" in props:
        rules.add("EX-HIP")
    if h["heart_condition"] and (
        (exercise["kind"] == "strength" and exercise["level"] > 1) or "head_below_heart" in props
    ):
        rules.add("EX-HEART")
    answers_yes = {f"history.{k}" for k, v in h.items() if v} | {
        f"red_flags.{k}" for k, v in rf.items() if v
    }
    if answers_yes & set(exercise["contraindications"]):
        rules.add("EX-CONTRA")
    if (a["pain_intensity"] >= 7 and exercise["level"] > 1) or (
        triage_level == "soon" and exercise["level"] > 2
    ):
        rules.add("EX-INTENSITY")
    return rules


def withheld(a: dict[str, Any], eligible: list[dict[str, Any]]) -> str | None:
    """docs/rules.md, "Plan withheld": first match in the order the table lists them."""
    if a["age"] < 18:
        return "WH-MINOR"
    if a["history"]["recent_spine_surgery"]:
        return "WH-SURGERY"
    if len(eligible) < 2 or not any(e["kind"] in ("stretch", "mobility") for e in eligible):
        return "WH-TOO-FEW"
    return None


# docs/result.md, "What every plan holds": the programme.

#: The nerve sliders (fixed ids): for nerve symptoms in a limb only.
NERVE_SLIDERS = {"sciatic-nerve-slider", "median-nerve-slider"}

#: Equipment a plan must use when a safe exercise for a painful area uses it.
USED_EQUIPMENT = ("resistance_band", "dumbbells", "doorway", "worktop", "foam_roller")


def movement_cap(a: dict[str, Any]) -> int:
    """At most 6 movements to learn besides walking, 9 for sessions over 30 minutes."""
    return 9 if a["minutes_per_session"] > 30 else 6


def walking_cap(a: dict[str, Any]) -> float:
    """Walking takes at most a third of a session of 15 minutes or more."""
    minutes: int = a["minutes_per_session"]
    return minutes / 3


def rest_range(kind: str) -> tuple[int, int]:
    """Rest between sets: strength 30-90 s, stretches and mobility 0-30 s."""
    return {"strength": (30, 90), "aerobic": (0, 0)}.get(kind, (0, 30))


def fitter_start(a: dict[str, Any], triage_level: str) -> bool:
    """Strength starts at level 2 (where one passes the filters)."""
    return a["activity_level"] == "high" and a["pain_intensity"] <= 3 and triage_level == "none"


def presentation_content(a: dict[str, Any]) -> list[tuple[str, set[str]]]:
    """(what, catalog ids of which the plan holds one whenever one passes the filters)."""
    rf, areas = a["red_flags"], set(a["pain_areas"])
    wanted = []
    if rf["limb_pain_or_tingling"]:
        if "lower_back" in areas:
            wanted.append(("sciatic nerve slider", {"sciatic-nerve-slider"}))
        if "neck" in areas:
            wanted.append(("median nerve slider", {"median-nerve-slider"}))
    if a["pregnancy"] in ("later_trimester", "postnatal"):
        wanted.append(("pelvic floor", {"pelvic-floor"}))
    if rf["walking_leg_pain"]:
        wanted.append(("flexion in sitting", {"flexion-in-sitting"}))
    if a["history"]["balance_problems"] or a["age"] >= 80:
        wanted.append(("supported balance", {"supported-tandem-stance"}))
    return wanted
