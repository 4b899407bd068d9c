"""The restricted FAQ pickle loader: the real file loads; code, wrong shapes, huge and broken files do not."""

from __future__ import annotations

import copyreg
import os
import pickle
import pickletools
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from knowledge.corpus.errors import FaqFormatError
from knowledge.corpus.pickle_loader import DEFAULT_MAX_BYTES, load_faq_pickle, loads_faq_pickle

SMARTSTORE_SHA256 = "93f2a92172f253b28ff94b6b8fd993b8cec1478e286ce7d6296098bd73a9e52b"


class Touch:
    """Unpickling this with plain ``pickle`` creates ``path``: the side effect a restricted load must not have."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        return Path.touch, (self.path,)


class Recorded:
    """A plain custom class: building it needs the class, which the loader must refuse to resolve."""

    def __init__(self, value: str) -> None:
        self.value = value


@pytest.fixture
def smartstore_pickle(shared_dir: Path) -> Path:
    return shared_dir / "data" / "smartstore_faq" / "final_result.pkl"


def write(tmp_path: Path, data: bytes, name: str = "faq.pkl") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_the_shared_smartstore_pickle_loads_with_its_published_checksum(smartstore_pickle: Path) -> None:
    faq = load_faq_pickle(smartstore_pickle, expected_sha256=SMARTSTORE_SHA256)

    assert len(faq) == 2717
    assert next(iter(faq)) == "[가입절차] 스마트스토어센터 회원가입은 어떻게 하나요? (ID만들기)"
    assert all(isinstance(key, str) and isinstance(value, str) for key, value in faq.items())


def test_a_wrong_checksum_is_refused(smartstore_pickle: Path) -> None:
    with pytest.raises(FaqFormatError, match="sha256"):
        load_faq_pickle(smartstore_pickle, expected_sha256="0" * 64)


def test_a_plain_dict_of_strings_needs_no_globals_in_any_protocol(tmp_path: Path) -> None:
    faq = {"[가입] 질문?": "답변입니다.", "두 번째": ""}
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        assert load_faq_pickle(write(tmp_path, pickle.dumps(faq, protocol=protocol))) == faq


def test_a_reduce_payload_is_refused_without_running(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    data = pickle.dumps({"question": Touch(marker)})

    with pytest.raises(FaqFormatError, match=r"pathlib.*Path\.touch"):
        load_faq_pickle(write(tmp_path, data))
    assert not marker.exists()

    pickle.loads(data)  # the same bytes do run under the ordinary unpickler: the refusal above is what stopped it
    assert marker.exists()


def test_a_reference_to_os_system_is_refused(tmp_path: Path) -> None:
    data = pickle.dumps({"question": os.system})  # pickled by reference, as posix.system / nt.system

    with pytest.raises(FaqFormatError, match=r"system.*may name no class or function"):
        load_faq_pickle(write(tmp_path, data))


@pytest.mark.parametrize("protocol", [0, 1, 2, 5])
def test_a_custom_class_instance_is_refused_in_every_protocol(tmp_path: Path, protocol: int) -> None:
    data = pickle.dumps({"question": Recorded("answer")}, protocol=protocol)

    # Protocols 0 and 1 name copyreg's rebuilder before the class; either name is the first refused.
    with pytest.raises(FaqFormatError, match=r"refers to (copy_reg\._reconstructor|.*\.Recorded);"):
        load_faq_pickle(write(tmp_path, data))


@pytest.fixture
def recorded_as_extension() -> Iterator[None]:
    copyreg.add_extension(__name__, "Recorded", 0xF1)
    try:
        yield
    finally:
        copyreg.remove_extension(__name__, "Recorded", 0xF1)


def test_a_class_reached_through_an_extension_code_is_refused(tmp_path: Path, recorded_as_extension: None) -> None:
    data = pickle.dumps({"question": Recorded("answer")}, protocol=2)
    assert "EXT1" in {opcode.name for opcode, _, _ in pickletools.genops(data)}

    with pytest.raises(FaqFormatError, match="Recorded"):
        load_faq_pickle(write(tmp_path, data))


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (["q", "a"], "holds a list, expected a dict"),
        ("just text", "holds a str, expected a dict"),
        ({"q": 1}, "the answer to 'q' is a int"),
        ({"q": None}, "the answer to 'q' is a NoneType"),
        ({"q": {"nested": "dict"}}, "the answer to 'q' is a dict"),
        ({"q": b"bytes"}, "the answer to 'q' is a bytes"),
        ({7: "a"}, "has a int key 7"),
    ],
)
def test_the_wrong_shape_is_refused_with_what_was_wrong(tmp_path: Path, value: object, message: str) -> None:
    with pytest.raises(FaqFormatError, match=message):
        load_faq_pickle(write(tmp_path, pickle.dumps(value)))


def test_a_long_key_is_shortened_in_the_message(tmp_path: Path) -> None:
    with pytest.raises(FaqFormatError) as caught:
        load_faq_pickle(write(tmp_path, pickle.dumps({"질문" * 500: 3})))
    assert len(str(caught.value)) < 300


def test_a_file_over_the_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.pkl"
    with path.open("wb") as file:
        file.truncate(DEFAULT_MAX_BYTES + 1)  # sparse: no disk, no time

    with pytest.raises(FaqFormatError, match="over the limit of 33,554,432 bytes"):
        load_faq_pickle(path)


def test_the_limit_can_be_lowered(tmp_path: Path) -> None:
    path = write(tmp_path, pickle.dumps({"q": "a" * 1000}))

    with pytest.raises(FaqFormatError, match="over the limit of 100 bytes"):
        load_faq_pickle(path, max_bytes=100)


def test_a_truncated_pickle_is_refused(tmp_path: Path) -> None:
    data = pickle.dumps({f"질문 {n}": f"답변 {n}" for n in range(50)})

    with pytest.raises(FaqFormatError, match="truncated"):
        load_faq_pickle(write(tmp_path, data[: len(data) // 2]))


@pytest.mark.parametrize(
    "data",
    [b"", b"\x80\x05garbage", b"not a pickle at all", b"\x80\x04\x95\xff\xff\xff\xff\xff\xff\xff\x7f", b"\xff" * 64],
)
def test_corrupt_bytes_are_refused(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(FaqFormatError, match=f"^{tmp_path}"):
        load_faq_pickle(write(tmp_path, data))


def test_bytes_after_the_stop_opcode_are_refused(tmp_path: Path) -> None:
    with pytest.raises(FaqFormatError, match="4 bytes after its STOP"):
        load_faq_pickle(write(tmp_path, pickle.dumps({"q": "a"}) + b"junk"))


def test_a_missing_file_raises_the_os_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        load_faq_pickle(tmp_path / "absent.pkl")


VALID = pickle.dumps({"[태그] 질문입니다?": "답변입니다.", "둘": "셋"}, protocol=4)


@settings(max_examples=300, deadline=None)
@given(position=st.integers(0, len(VALID) - 1), byte=st.integers(0, 255), cut=st.integers(1, len(VALID)))
def test_mangled_pickles_give_a_dict_of_strings_or_a_format_error(position: int, byte: int, cut: int) -> None:
    data = (VALID[:position] + bytes([byte]) + VALID[position + 1 :])[:cut]
    try:
        result = loads_faq_pickle(data)
    except FaqFormatError:
        return
    assert all(isinstance(key, str) and isinstance(value, str) for key, value in result.items())


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=120))
def test_random_bytes_give_a_dict_of_strings_or_a_format_error(data: bytes) -> None:
    try:
        result = loads_faq_pickle(data)
    except FaqFormatError:
        return
    assert isinstance(result, dict)
