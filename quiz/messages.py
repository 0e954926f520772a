"""The English messages of quiz format problems, by code: `Issue.message` fills them with the issue's values.

The quiz engine knows nothing of the academy: the academy shows these problems in French or English from its
own catalogue (`academy/locales/problems.toml`, codes `quiz.<code>`), whose English is kept equal to these
templates by a test.
"""

from __future__ import annotations

_TYPES = "`points=`, `objective=`, `tags=`, `unit=` (numerique) or `partial=` (ordre)"

MESSAGES: dict[str, str] = {
    "not_utf8": "the file is not valid UTF-8 (byte {byte}): save it with the UTF-8 encoding",
    "no_question": "no question: add a level-2 heading per question, e.g. `## Title {{#q1 .qru}}`",
    "front_matter_not_closed": "the front matter opened by `---` on line 1 is never closed: end it with a `---` line",
    "front_matter_too_deep": "the front matter is nested too deeply: settings are plain `key: value` lines",
    "yaml_anchor": "YAML anchors and aliases (`&x`, `*x`) are not allowed in the front matter",
    "invalid_yaml": "the front matter is not valid YAML ({detail}): write one `key: value` per line",
    "front_matter_unreadable": "the front matter could not be read: write one `key: value` per line",
    "front_matter_not_mapping": (
        "the front matter must be `key: value` lines (a YAML mapping), e.g. `pass_mark: 0.7`"
    ),
    "unknown_setting": "unknown front matter key `{key}`: allowed keys are {allowed}",
    "draw_too_large": (
        "draw: {draw} is more than the {units} questions and cases the quiz has: lower it, or use 0 to ask "
        "every question"
    ),
    "setting_not_boolean": "{key} must be true or false, not {value}",
    "max_attempts_invalid": "max_attempts must be a whole number ≥ 0 (0 = unlimited), not {value}",
    "draw_invalid": "draw must be a whole number ≥ 0 (0 = all), not {value}",
    "grading_invalid": "grading must be one of {allowed}, not {value}",
    "panel_source_invalid": (
        "panel_source must be `simule` (or `simulé`: a panel simulated by the authors) or `experts` (counts "
        "collected from real experts), not {value}"
    ),
    "pass_mark_invalid": "pass_mark must be a number between 0 and 1 (e.g. 0.7 for 70 %), not {value}",
    "time_limit_invalid": "time_limit_minutes must be a number of minutes ≥ 0 (0 = none), not {value}",
    "review_not_list": (
        "review must be a list of what learners see after an attempt, among {allowed} (e.g. `review: [score, "
        "explanation]`, or `review: []` for nothing), not {value}"
    ),
    "review_unknown_item": "review: unknown item {item}: allowed items are {allowed}",
    "review_repeated": "review: `{item}` is listed twice: list each item once",
    "fence_not_closed": "this code block (`{fence}`) is never closed: end it with a `{fence}` line",
    "front_matter_not_first": "front matter must start on line 1, with `---` as the very first line",
    "text_before_heading": (
        "text before the first heading: a quiz is optional front matter between `---` lines, then questions "
        "`## Title {{#id .type}}`; move this text into a question"
    ),
    "case_without_question": (
        "this case has no question: add `## Title {{#id .type}}` questions after the vignette"
    ),
    "case_attribute_unreadable": "unreadable attribute `{text}`: a case heading is `# Title {{#case-id .dp}}`",
    "question_level_1": "a question is a level-2 heading: write `## Title {{#id .type}}` (two `#`)",
    "section_attribute_unknown": (
        "unknown attribute `{text}` on a level-1 heading: write `{{#case-id .dp}}` to open a progressive case, "
        "or nothing for a section title"
    ),
    "text_under_section": (
        "text under a section title is never shown: move it into a question, or make the heading a "
        "progressive case `# Title {{#case-id .dp}}` whose vignette it becomes"
    ),
    "case_attribute_unknown": (
        "unknown attribute `{text}` on a case heading: a case heading is `# Title {{#case-id .dp}}`"
    ),
    "missing_id": "missing id: add `#an-id` inside the braces, e.g. `{example}`",
    "several_ids": "several ids (#{first}, #{second}…): keep only one",
    "invalid_id": "invalid id `#{id}`: use only ASCII letters, digits, `-` and `_`",
    "duplicate_id": "duplicate id `{id}`, already used on line {first}: ids must be unique in the file",
    "question_without_attributes": (
        "a question heading ends with its attributes: `## Title {{#id .type}}`, type one of {types}"
    ),
    "attribute_unreadable": "unreadable attribute `{text}`: write `#id`, `.type` or `key=value`",
    "question_without_text": "this question has no text: give the heading a title or write a stem under it",
    "zone_image_count": (
        "a .zone question shows exactly one image in its stem, the one learners click on: "
        "`![description](images/figure.png)` (found {found})"
    ),
    "zone_image_alt": "the image '{src}' of this .zone question needs alt text: ![description]({src})",
    "unknown_type": "unknown type `.{type}`: use one of {types}",
    "missing_type": "missing type: add one of {types} inside the braces",
    "several_types": "several types ({types}): keep only one",
    "unknown_class": f"unknown attribute `.{{name}}`: a question heading has one type and {_TYPES}",
    "attribute_twice": "attribute `{name}=` is given twice: keep one",
    "points_invalid": "points must be a positive number (e.g. `points=2`), not `{value}`",
    "objective_invalid": "objective must be a whole number ≥ 1 (the objective's rank in module.md), not `{value}`",
    "partial_invalid": "partial must be `true` or `false`, not `{value}`",
    "attribute_wrong_type": "`{name}=` only applies to .{type} questions: remove it",
    "unknown_attribute": f"unknown attribute `{{name}}=`: a question heading takes {_TYPES}",
    "missing_answer_list": (
        "missing answer list: write the options as a list after the stem (`- [x] …`, `1. …`, "
        "`- left => right` or the five tcs items)"
    ),
    "text_after_answers": (
        "text after the answer list: start the explanation with `> ` (a blockquote), or indent this line by "
        "two spaces to continue the option above"
    ),
    "quote_between_options": (
        "this blockquote sits between two options: indent it by two spaces to make it the feedback of the "
        "option above (the explanation goes after the whole list)"
    ),
    "options_not_task_items": (
        "options of a .{type} question are task items: `- [x] …` (correct) or `- [ ] …` (wrong)"
    ),
    "items_not_plain": "items of a .{type} question are plain list items, without `[x]` or `[ ]`",
    "ordre_not_numbered": "items of a .ordre question are numbered, in the correct order: `1. …`, `2. …`",
    "items_not_bullets": "items of a .{type} question are bullet items `- …`, not numbered ones",
    "option_empty": "this option is empty: write its text after the marker",
    "option_class_without_dot": "write `{{.{word}}}`, with a dot, to mark the option {word}",
    "tolerance_invalid": "tolerance must be a number ≥ 0 (e.g. `{{tolerance=0.5}}`), not `{value}`",
    "panel_invalid": "panel must be a whole number ≥ 0 of experts (e.g. `{{panel=3}}`), not `{value}`",
    "option_id": "options get the ids a, b, c… automatically: remove the `#id`",
    "option_attribute_unknown_qrm": (
        "unknown option attribute `{text}`: a .{type} option takes `{{.indispensable}}` (a correct option) or "
        "`{{.inacceptable}}` (a wrong one)"
    ),
    "option_attribute_unknown_numerique": (
        "unknown option attribute `{text}`: a .{type} option takes `{{tolerance=0.5}}`"
    ),
    "option_attribute_unknown_tcs": "unknown option attribute `{text}`: a .{type} option takes `{{panel=3}}`",
    "option_attribute_none": "unknown option attribute `{text}`: options of a .{type} question take no attributes",
    "qru_correct_count": (
        "a .qru question needs exactly one correct option `- [x]` (found {found}); use .qrm for several correct "
        "options"
    ),
    "qrm_no_correct": "a .qrm question needs at least one correct option `- [x]`",
    "option_both_classes": "an option cannot be both indispensable and inacceptable: keep one",
    "indispensable_on_wrong": (
        "`{{.indispensable}}` goes on a correct option `- [x]`: tick it or use `{{.inacceptable}}`"
    ),
    "inacceptable_on_correct": (
        "`{{.inacceptable}}` goes on a wrong option `- [ ]`: untick it or use `{{.indispensable}}`"
    ),
    "too_few_options": "a .{type} question needs at least two options",
    "qroc_no_answer": "a .qroc question needs at least one accepted answer `- [x] …`",
    "invalid_regex": "invalid regular expression `{text}`: fix it, or write the answer as plain text",
    "qroc_answer_empty": "this accepted answer is empty once punctuation is removed: write a word",
    "qroc_answer_too_long": (
        "an accepted answer has at most {limit} words ({found} here): shorten it, or use a `/regex/`"
    ),
    "numerique_answer_count": (
        "a .numerique question has exactly one answer item `- [x] 42,5 {{tolerance=0.5}}`"
    ),
    "numerique_not_number": (
        "`{text}` is not a number: write e.g. `42,5` or `42.5` and put the unit in the heading (`unit=mg`)"
    ),
    "ordre_too_few": "a .ordre question needs at least two numbered items `1. …`, `2. …`",
    "association_item_invalid": "an association item is `- left => right` (or `- => distractor`)",
    "association_right_empty": "the right-hand side after `=>` is empty: write the matching text",
    "association_too_few": "a .association question needs at least two pairs `- left => right`",
    "tcs_item_count": "a .tcs question has exactly five items -2, -1, 0, +1, +2 (found {found})",
    "tcs_item_order": (
        "tcs items are the values -2, -1, 0, +1, +2 in that order: this one should start with {wanted}"
    ),
    "tcs_panel_missing": "each tcs item needs its panel count, e.g. `- 0 {{panel=6}}`",
    "tcs_panel_all_zero": "every tcs panel count is 0: at least one answer must have been chosen by an expert",
    "zone_no_correct": "a .zone question needs at least one zone to point, marked `- [x] rect X1,Y1 X2,Y2`",
    "zone_syntax": (
        "a zone is `rect X1,Y1 X2,Y2`, `circle X,Y R` or `poly X1,Y1 X2,Y2 X3,Y3 …` (image pixels), then an "
        "optional label; not `{text}`"
    ),
    "zone_negative": (
        "zone coordinates are image pixels counted from the top-left corner: they cannot be negative"
    ),
    "zone_rect_points": (
        "a rectangle is two corners, top-left then bottom-right: `rect 120,40 260,110` (found {found})"
    ),
    "zone_rect_corners": (
        "the second corner of a rectangle is below and to the right of the first: `{fixed}` (a rectangle "
        "cannot be flat)"
    ),
    "zone_circle": "a circle is its centre and radius: `circle 300,200 45`",
    "zone_radius": "the radius of a circle must be more than 0 pixels",
    "zone_poly_points": (
        "a polygon has at least three distinct vertices: `poly 10,10 80,10 45,60` (found {found})"
    ),
    "zone_poly_flat": "the vertices of this polygon are on one line: it encloses nothing",
}
