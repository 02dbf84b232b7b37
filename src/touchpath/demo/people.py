"""Plausible but fake customers: Russian names, e-mails, phones, segments.

E-mail addresses use domains reserved for examples (RFC 2606: ``example.com`` ...), so a
demo workspace can never mail a real person. Phone numbers look Russian and are random:
automation demos must send them to a fake channel, never to a real SMS gateway.
Strings are built column-wise with Arrow compute, never row by row in Python.
"""

from __future__ import annotations

import json

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from touchpath.demo.markov import IntArray
from touchpath.demo.spec import Behaviour

# (name, latin) pairs; surnames in the male form, the female form adds "а".
_MALE = (
    ("Александр", "aleksandr"), ("Дмитрий", "dmitry"), ("Максим", "maksim"),
    ("Сергей", "sergey"), ("Андрей", "andrey"), ("Алексей", "aleksey"),
    ("Артём", "artem"), ("Илья", "ilya"), ("Кирилл", "kirill"), ("Михаил", "mikhail"),
    ("Никита", "nikita"), ("Иван", "ivan"), ("Егор", "egor"), ("Роман", "roman"),
    ("Павел", "pavel"), ("Владимир", "vladimir"), ("Денис", "denis"), ("Евгений", "evgeny"),
)  # fmt: skip
_FEMALE = (
    ("Анна", "anna"), ("Мария", "maria"), ("Елена", "elena"), ("Ольга", "olga"),
    ("Наталья", "natalya"), ("Екатерина", "ekaterina"), ("Татьяна", "tatyana"),
    ("Анастасия", "anastasia"), ("Ирина", "irina"), ("Юлия", "yulia"),
    ("Светлана", "svetlana"), ("Дарья", "darya"), ("Ксения", "ksenia"),
    ("Виктория", "viktoria"), ("Полина", "polina"), ("Алина", "alina"),
)  # fmt: skip
_SURNAMES = (
    ("Иванов", "ivanov"), ("Смирнов", "smirnov"), ("Кузнецов", "kuznetsov"),
    ("Попов", "popov"), ("Васильев", "vasiliev"), ("Петров", "petrov"),
    ("Соколов", "sokolov"), ("Михайлов", "mikhailov"), ("Новиков", "novikov"),
    ("Фёдоров", "fedorov"), ("Морозов", "morozov"), ("Волков", "volkov"),
    ("Алексеев", "alekseev"), ("Лебедев", "lebedev"), ("Семёнов", "semenov"),
    ("Егоров", "egorov"), ("Павлов", "pavlov"), ("Козлов", "kozlov"),
    ("Степанов", "stepanov"), ("Николаев", "nikolaev"), ("Орлов", "orlov"),
    ("Андреев", "andreev"), ("Макаров", "makarov"), ("Никитин", "nikitin"),
    ("Захаров", "zakharov"), ("Зайцев", "zaitsev"), ("Соловьёв", "solovyev"),
    ("Борисов", "borisov"), ("Яковлев", "yakovlev"), ("Григорьев", "grigoryev"),
)  # fmt: skip
_ENGLISH_FIRST = (
    ("James", "m"), ("Emma", "f"), ("Oliver", "m"), ("Sophie", "f"), ("Daniel", "m"),
    ("Laura", "f"), ("Thomas", "m"), ("Anna", "f"),
)  # fmt: skip
_ENGLISH_LAST = ("Smith", "Brown", "Wilson", "Taylor", "Miller", "Clark", "Walker", "Young")
_DOMAINS = ("example.com", "example.net", "example.org", "mail.example")
_AGES = ("18-24", "25-34", "35-44", "45-54", "55+")
_AGE_WEIGHTS = (0.14, 0.3, 0.26, 0.17, 0.13)


def _take(values: list[str | None], index: IntArray) -> pa.Array:
    return pa.array(values, pa.string()).take(pa.array(index))


def _weights(values: tuple[float, ...] | list[float]) -> np.ndarray:
    w = np.asarray(values, dtype=np.float64)
    return np.asarray(w / w.sum())


def customer_ids(first: int, n: int, width: int) -> pa.Array:
    """``c`` and a zero-padded number: sorting ids as text keeps the numeric order."""
    numbers = pc.cast(pa.array(np.arange(first, first + n)), pa.string())
    return pc.binary_join_element_wise("c", pc.utf8_lpad(numbers, width, "0"), "")


def customers(
    behaviour: Behaviour,
    ids: pa.Array,
    first_seen: IntArray,
    location: IntArray,
    rng: np.random.Generator,
) -> pa.Table:
    """The customers table of one batch, columns as in ``CUSTOMER_COLUMNS``."""
    n = len(ids)
    female = rng.random(n) < 0.55
    male_i = rng.integers(0, len(_MALE), n)
    female_i = rng.integers(0, len(_FEMALE), n)
    last_i = rng.integers(0, len(_SURNAMES), n)
    first_ru = pc.if_else(
        pa.array(female),
        _take([f for f, _ in _FEMALE], female_i),
        _take([m for m, _ in _MALE], male_i),
    )
    first_lat = pc.if_else(
        pa.array(female),
        _take([lat for _, lat in _FEMALE], female_i),
        _take([lat for _, lat in _MALE], male_i),
    )
    last_ru = pc.if_else(
        pa.array(female),
        _take([s + "а" for s, _ in _SURNAMES], last_i),
        _take([s for s, _ in _SURNAMES], last_i),
    )
    last_lat = pc.if_else(
        pa.array(female),
        _take([lat + "a" for _, lat in _SURNAMES], last_i),
        _take([lat for _, lat in _SURNAMES], last_i),
    )
    english = rng.random(n) < behaviour.english_share
    en_i = rng.integers(0, len(_ENGLISH_FIRST), n)
    en_last = rng.integers(0, len(_ENGLISH_LAST), n)
    en_name = pc.binary_join_element_wise(
        _take([f for f, _ in _ENGLISH_FIRST], en_i), _take(list(_ENGLISH_LAST), en_last), " "
    )
    ru_name = pc.binary_join_element_wise(first_ru, last_ru, " ")
    name = pc.if_else(pa.array(english), en_name, ru_name)
    female = np.where(english, np.asarray([g == "f" for _, g in _ENGLISH_FIRST])[en_i], female)

    suffix = pc.cast(pa.array(rng.integers(1, 100, n)), pa.string())
    suffix = pc.if_else(pa.array(rng.random(n) < 0.5), suffix, "")
    local = pc.binary_join_element_wise(first_lat, last_lat, ".")
    local = pc.if_else(pa.array(english), pc.utf8_lower(en_name), local)
    local = pc.replace_substring(local, " ", ".")
    domain = _take(list(_DOMAINS), rng.integers(0, len(_DOMAINS), n))
    email = pc.binary_join_element_wise(pc.binary_join_element_wise(local, suffix, ""), domain, "@")
    has_email = pa.array(rng.random(n) < behaviour.email_share)
    email = pc.if_else(has_email, email, pa.scalar(None, pa.string()))

    parts = [
        pc.utf8_lpad(pc.cast(pa.array(rng.integers(0, 10**w, n)), pa.string()), w, "0")
        for w in (2, 3, 2, 2)
    ]
    phone = pc.binary_join_element_wise(
        "+7 9", parts[0], " ", parts[1], "-", parts[2], "-", parts[3], ""
    )
    has_phone = pa.array(rng.random(n) < behaviour.phone_share)
    phone = pc.if_else(has_phone, phone, pa.scalar(None, pa.string()))

    language = pc.if_else(pa.array(english), "en", "ru")
    seg_names = list(behaviour.segments)
    segment = _take(
        list(seg_names),
        rng.choice(len(seg_names), n, p=_weights(list(behaviour.segments.values()))),
    )
    age = rng.choice(len(_AGES), n, p=_weights(_AGE_WEIGHTS))
    combos = [
        json.dumps({"city": loc.city, "gender": g, "age_group": a}, ensure_ascii=False)
        for loc in behaviour.locations
        for g in ("m", "f")
        for a in _AGES
    ]
    code = (location * 2 + female.astype(np.int64)) * len(_AGES) + age
    return pa.table(
        {
            "customer_id": ids,
            "name": name,
            "email": email,
            "phone": phone,
            "language": language,
            "segment": segment,
            "first_seen": pa.array(first_seen, pa.timestamp("us", tz="UTC")),
            "attributes": _take(list(combos), code),
        }
    )
