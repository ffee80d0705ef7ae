"""Properties written as front matter read back exactly, whatever their names and values hold."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from reverie.core.properties import OWN_FIELDS, check_properties, parse_front_matter, render_properties

_chars = st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufeff") | st.sampled_from(
    list(" \t\n:#-'\"[]{},|>&*!%@`?")
)
names = (
    st.text(_chars, min_size=1, max_size=20)
    .map(str.strip)
    .filter(lambda k: k and ":" not in k and "\n" not in k and k.casefold() not in OWN_FIELDS)
)
texts = st.text(_chars, max_size=40)
values = texts | st.lists(texts, max_size=4)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(names, values, max_size=6))
def test_rendered_properties_read_back_the_same(props):
    props = check_properties(props)
    fm, body = parse_front_matter("\n".join(["---", *render_properties(props), "---", "Body"]))
    assert fm == props and list(fm) == list(props) and body == "Body"
