"""The per-cycle letter template: Markdown with placeholders, checked before use and rendered in a sandbox.

Plain values in and out. A lead writes the template, so it is held to a tiny language: text, `{{ name }}` for
a known placeholder, and `{% if name %}...{% else %}...{% endif %}` on a placeholder. Everything else Jinja
offers (attributes, calls, filters, loops, includes, imports, macros, assignments) is refused with the line
and a plain-English message. Rendering is in Jinja's immutable sandbox with no globals, filters or tests, so
even a template that skipped the check could not reach Python objects.
"""

from collections.abc import Mapping

from jinja2 import StrictUndefined, TemplateSyntaxError, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment

from peerchallenge.letters.compose import join_names
from peerchallenge.text_limits import shape_problem

PLACEHOLDERS: dict[str, str] = {
    "authority": "The name of the authority the letter is to, for example Norfolk.",
    "dcs_name": "The full name of the authority's Director of Children's Services.",
    "peers": (
        'The peer authorities who reviewed the self-assessment, for example "Suffolk and Essex", '
        'or "Peer 1 and Peer 2" when the cycle is anonymous.'
    ),
    "cycle": "The cycle's title.",
    "year": "The cycle's year.",
    "region": "The region's name as it appears on its letters, for example ADCS Eastern Region.",
    "submissions_due": "The date self-assessments were due.",
    "reviews_due": "The date reviews were due.",
    "letters_due": "The date letters are due.",
    "challenge_event": (
        "The date of the challenge event, or nothing if there is none. "
        "Use it inside {% if challenge_event %} ... {% endif %}."
    ),
    "headline": "The headline judgement the lead writes when composing the letter, in paragraphs.",
    "strengths": "The strengths chosen for the letter, as a list. Every letter must include it.",
    "areas_for_consideration": (
        "The areas for consideration chosen for the letter, as a list. Every letter must include it."
    ),
    "lines_of_enquiry": (
        "The key lines of enquiry for the challenge event chosen for the letter, as a numbered list. "
        "Every letter must include it."
    ),
    "annex": (
        "The section-by-section annex (the peers' ratings side by side and their points), on a new page, or "
        "nothing when the cycle leaves the annex out. Put it last."
    ),
    "sections": "The peers' ratings and points section by section, without the annex's heading.",
    "overall": "The peers' overall ratings, points and reflections.",
    "salutation": (
        'The authority\'s directors as they like to be addressed, for example "Sarah and Tom". '
        "Use it after Dear."
    ),
    "signatories": (
        'Who signs the letter: the peer directors by name and authority, "Your peer directors" when the '
        "cycle is anonymous, or the signatory the cycle names."
    ),
}

# A letter must carry the points chosen for it. Templates saved before letters were composed by choice carry
# the whole of the reviews instead ({{ sections }} and {{ overall }}): they are still rendered, but a template
# saved now must carry the chosen points.
REQUIRED_PLACEHOLDERS = ("strengths", "areas_for_consideration", "lines_of_enquiry")
EARLIER_REQUIRED_PLACEHOLDERS = ("sections", "overall")
MAX_TEMPLATE_CHARS = 20_000
MAX_IF_DEPTH = 10

# No top-level heading: the page, the PDF and the Word file each put the letter's title above it.
DEFAULT_LETTER_TEMPLATE = """\
Dear {{ salutation }},

Thank you for sharing {{ authority }}'s self-assessment with us. We have read it as your peers, and this \
letter sets out our reflections: the strengths we saw, the areas for consideration we would like to explore \
with you, and the key lines of enquiry we propose for our conversation.

{% if headline %}
## Our overall view

{{ headline }}

{% endif %}
## Strengths

{{ strengths }}

## Areas for consideration

{{ areas_for_consideration }}

## Key lines of enquiry

{% if challenge_event %}
We would like to explore these with you at the challenge event on {{ challenge_event }}.

{% endif %}
{{ lines_of_enquiry }}

We would welcome your response, telling us what you will do in the light of these reflections. Please share \
this letter with your leadership team.

Yours sincerely,

{{ signatories }}

{{ annex }}
"""

_ALLOWED_TAGS_TEXT = "{% if placeholder %}, {% else %} and {% endif %}"

_STATEMENT_TAGS = {
    nodes.For: "for",
    nodes.Macro: "macro",
    nodes.CallBlock: "call",
    nodes.FilterBlock: "filter",
    nodes.With: "with",
    nodes.Block: "block",
    nodes.Include: "include",
    nodes.Import: "import",
    nodes.FromImport: "from ... import",
    nodes.Extends: "extends",
    nodes.Assign: "set",
    nodes.AssignBlock: "set",
    nodes.ExprStmt: "do",
    nodes.Continue: "continue",
    nodes.Break: "break",
    nodes.Scope: "scope",
    nodes.ScopedEvalContextModifier: "autoescape",
    nodes.EvalContextModifier: "autoescape",
}


class TemplateProblem(Exception):
    """A letter template that cannot be used, with a message a lead understands."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def _environment() -> ImmutableSandboxedEnvironment:
    environment = ImmutableSandboxedEnvironment(
        undefined=StrictUndefined,
        autoescape=False,  # the output is Markdown, sanitised when it is rendered as HTML
        trim_blocks=True,  # a line holding only {% if %} or {% endif %} leaves no blank line behind
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    # Nothing but the placeholders' values is in reach: no range(), lipsum(), namespace(), filters or tests.
    environment.globals.clear()
    environment.filters.clear()
    environment.tests.clear()
    return environment


# One environment for all letters: it is never changed after this, so threads can share it.
SANDBOX = _environment()


def _placeholder_list() -> str:
    return ", ".join(PLACEHOLDERS)


def _describe(node: nodes.Node, depth: int = 0) -> str:
    """An expression written back roughly as the lead typed it, for messages."""
    if depth > 6:
        return "..."
    depth += 1
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Const):
        return repr(node.value)
    if isinstance(node, nodes.Getattr):
        return f"{_describe(node.node, depth)}.{node.attr}"
    if isinstance(node, nodes.Getitem):
        return f"{_describe(node.node, depth)}[{_describe(node.arg, depth)}]"
    if isinstance(node, nodes.Call):
        arguments = ", ".join(_describe(argument, depth) for argument in node.args)
        return f"{_describe(node.node, depth)}({arguments})"
    if isinstance(node, nodes.Filter):
        inner = _describe(node.node, depth) if node.node is not None else ""
        return f"{inner}|{node.name}"
    if isinstance(node, nodes.Not):
        return f"not {_describe(node.node, depth)}"
    return "..."


def _not_a_placeholder() -> str:
    return f"is not a placeholder. You can use: {_placeholder_list()}."


def _check_output(node: nodes.Node, used: set[str]) -> None:
    line = node.lineno
    if isinstance(node, nodes.Name):
        if node.name not in PLACEHOLDERS:
            raise TemplateProblem(f"Line {line}: {{{{ {node.name} }}}} {_not_a_placeholder()}", line)
        used.add(node.name)
        return
    raise TemplateProblem(
        f"Line {line}: {{{{ {_describe(node)} }}}} is not allowed. Write a placeholder on its own, "
        "like {{ authority }}, with no dots, brackets, filters or calls.",
        line,
    )


def _check_condition(node: nodes.If, used: set[str]) -> None:
    test = node.test.node if isinstance(node.test, nodes.Not) else node.test
    line = node.test.lineno
    if not isinstance(test, nodes.Name):
        raise TemplateProblem(
            f"Line {line}: {{% if {_describe(node.test)} %}} is not allowed. An {{% if %}} can only check "
            "one placeholder, like {% if challenge_event %}.",
            line,
        )
    if test.name not in PLACEHOLDERS:
        raise TemplateProblem(
            f"Line {line}: {{% if {test.name} %}}: {test.name} {_not_a_placeholder()}", line
        )
    used.add(test.name)


def _check_body(body: list[nodes.Node], used: set[str], depth: int) -> None:
    for node in body:
        if isinstance(node, nodes.Output):
            for child in node.nodes:
                if not isinstance(child, nodes.TemplateData):
                    _check_output(child, used)
        elif isinstance(node, nodes.If):
            if depth >= MAX_IF_DEPTH:
                raise TemplateProblem(
                    f"Line {node.lineno}: there are too many {{% if %}} tags inside each other. "
                    f"Use at most {MAX_IF_DEPTH}.",
                    node.lineno,
                )
            _check_condition(node, used)
            _check_body(node.body, used, depth + 1)
            for branch in node.elif_:
                _check_condition(branch, used)
                _check_body(branch.body, used, depth + 1)
            _check_body(node.else_, used, depth + 1)
        else:
            # {% autoescape %} arrives wrapped in a Scope node with no line of its own: report what it wraps.
            while isinstance(node, nodes.Scope) and node.body:
                node = node.body[0]
            tag = next((name for kind, name in _STATEMENT_TAGS.items() if isinstance(node, kind)), None)
            what = f"{{% {tag} %}} tags are" if tag else "This tag is"
            line = node.lineno
            raise TemplateProblem(
                f"Line {line}: {what} not allowed. The only tags you can use are {_ALLOWED_TAGS_TEXT}.", line
            )


def _syntax_problem(error: TemplateSyntaxError) -> TemplateProblem:
    line = error.lineno
    message = error.message or ""
    if message.startswith("Unexpected end of template") and "'if'" in message:
        text = "an {% if %} is not closed. Add {% endif %} where the text it controls ends."
    elif message.startswith("unexpected end of template"):
        text = "a placeholder or tag is not closed. Write placeholders as {{ authority }}."
    elif message.startswith("Encountered unknown tag"):
        tag = message.split("'")[1] if "'" in message else ""
        if tag in ("endif", "else", "elif"):
            text = f"{{% {tag} %}} has no {{% if %}} to close, or a tag before it is still open."
        else:
            text = f"{{% {tag} %}} is not a tag you can use. The only tags are {_ALLOWED_TAGS_TEXT}."
    elif message.startswith("Expected an expression"):
        text = "a placeholder or tag is empty. Put a placeholder's name inside it, like {{ authority }}."
    elif message.startswith("Missing end of comment"):
        text = "a comment starting {# has no #} to end it."
    elif message.startswith("Missing end of raw"):
        text = "{% raw %} has no {% endraw %} to end it."
    else:
        text = (
            "the curly brackets are not written correctly. Write placeholders as {{ authority }} "
            "and conditions as {% if challenge_event %} ... {% endif %}."
        )
    return TemplateProblem(f"Line {line}: {text}" if line else text[0].upper() + text[1:], line)


def _checked(source: str, *, earlier_rule: bool = False) -> set[str]:
    """The placeholders a usable template uses; TemplateProblem if it is not usable.

    With earlier_rule, a template saved before letters were composed by choice (with {{ sections }} and
    {{ overall }} instead of the chosen points) is usable too.
    """
    if len(source) > MAX_TEMPLATE_CHARS:
        raise TemplateProblem(f"The template must be {MAX_TEMPLATE_CHARS:,} characters or fewer.")
    if problem := shape_problem(
        source, "The template", "a letter template", max_characters=MAX_TEMPLATE_CHARS
    ):
        raise TemplateProblem(problem)
    try:
        tree = SANDBOX.parse(source)
    except TemplateSyntaxError as error:
        raise _syntax_problem(error) from None
    except RecursionError:  # thousands of nested tags or brackets exhaust the parser
        raise TemplateProblem("The template has too many tags or brackets inside each other.") from None
    used: set[str] = set()
    _check_body(tree.body, used, 0)
    missing = [name for name in REQUIRED_PLACEHOLDERS if name not in used]
    if missing and earlier_rule and all(name in used for name in EARLIER_REQUIRED_PLACEHOLDERS):
        return used
    if missing:
        written = join_names([f"{{{{ {name} }}}}" for name in missing])
        raise TemplateProblem(
            f"The template must include {written}. Without it the letter would leave out the points chosen "
            "from the peers' reviews."
        )
    return used


def carries_chosen_points(source: str) -> bool:
    """Whether a usable template puts the chosen points in the letter (one saved before letters were composed
    by choice may carry the whole of the reviews instead)."""
    try:
        used = _checked(source, earlier_rule=True)
    except TemplateProblem:
        return False
    return all(name in used for name in REQUIRED_PLACEHOLDERS)


def check_template(source: str) -> None:
    """Raise TemplateProblem unless the source is a letter template a lead may use."""
    _checked(source)


def render_letter(source: str, values: Mapping[str, str]) -> str:
    """The letter's Markdown: the checked template with the placeholders filled in."""
    used = _checked(source, earlier_rule=True)
    missing = sorted(name for name in used if name not in values)
    if missing:
        raise ValueError(f"No value given for placeholders: {', '.join(missing)}")
    # Only strings reach the template, whatever the caller passed.
    context = {name: str(values[name]) for name in used}
    return SANDBOX.from_string(source).render(context)
