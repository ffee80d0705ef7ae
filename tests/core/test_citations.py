from reverie.core.citations import (
    append_markers,
    check_citations,
    find_markers,
    infer_citations,
    strip_markers,
)


def test_single_list_and_adjacent_markers():
    assert find_markers("It is March 3 [2]. Also [2, 5] and [2][5].") == [2, 2, 5, 2, 5]
    check = check_citations("It is March 3 [2]. Also [2, 5] and [1][5].", {1, 2, 5})
    assert check.cited == [2, 5, 1]
    assert check.dropped == []
    assert check.text == "It is March 3 [2]. Also [2, 5] and [1][5]."


def test_numbers_not_given_are_dropped_counted_and_removed():
    check = check_citations("Anna was born on March 3 [2, 9]. She likes tea [7].", {1, 2})
    assert check.cited == [2]
    assert check.dropped == [9, 7]
    assert check.text == "Anna was born on March 3 [2]. She likes tea."


def test_garbage_is_not_a_citation():
    check = check_citations("See [a], [1-3], [], [ 3 ] and [12345].", {3})
    assert check.cited == [3]
    assert check.dropped == []
    assert "[a]" in check.text and "[1-3]" in check.text and "[12345]" in check.text


def test_no_citations_at_all():
    check = check_citations("Hello there!", {1, 2})
    assert (check.cited, check.dropped, check.text) == ([], [], "Hello there!")


def test_strip_markers_for_history():
    assert strip_markers("It is March 3 [1, 2]. Yes [3].") == "It is March 3. Yes."


def test_infer_cites_only_memories_whose_specific_words_are_repeated():
    memories = [(1, "Anna's birthday is March 3."), (2, "Bob likes sailing on weekends.")]
    assert infer_citations("Anna's birthday is on March 3.", "When is Anna's birthday?", memories) == [1]
    # repeating only the question's own words is not using a memory
    assert infer_citations("Anna's birthday? I am not sure.", "When is Anna's birthday?", memories) == []
    assert infer_citations("Hello, how can I help?", "hi", memories) == []


def test_append_markers():
    assert append_markers("It is March 3. ", [1, 3]) == "It is March 3. [1, 3]"
    assert append_markers("Hi", []) == "Hi"
