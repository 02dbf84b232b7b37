"""Behaviour of the two demo businesses: a private clinic and an electronics shop.

The numbers are chosen so that the data look like what marketers see in their own
analytics: most people leave before buying, warm channels (maps, price aggregators)
convert better than cold ones (banners, social ads), the clinic is busiest in the flu
season and the shop in November–December.
"""

from __future__ import annotations

from touchpath.demo.spec import (
    DAY,
    HOUR,
    MINUTE,
    Behaviour,
    Detour,
    Entry,
    Gap,
    Location,
    Peak,
    Return,
    Source,
    Step,
    Value,
    offline,
)
from touchpath.model.vocab import ChannelGroup as G

# --- the clinic -------------------------------------------------------------------------

_CLINIC_SITE = (
    "/uslugi/terapevt",
    "/uslugi/uzi",
    "/uslugi/analizy",
    "/uslugi/vakcinaciya",
    "/vrachi",
    "/ceny",
    "/kontakty",
)
_CLINIC_HOURS = (8, 21)
# New patients by local hour: mornings and after work.
_CLINIC_DAY = (
    0.3, 0.15, 0.1, 0.1, 0.1, 0.2, 0.5, 1.2, 2.2, 3.0, 3.2, 3.0,
    2.8, 2.6, 2.5, 2.4, 2.4, 2.5, 2.7, 2.9, 2.8, 2.2, 1.4, 0.7,
)  # fmt: skip

CLINIC = Behaviour(
    catalogue="clinic.yaml",
    entries=(
        Entry("context_ad", "first_visit", 0.34, 1.0),
        Entry("search_results", "first_visit", 0.24, 0.8),
        Entry("maps_reviews", "maps_first_visit", 0.16, 0.75),
        Entry("social_page", "first_visit", 0.14, 1.3),
        Entry("banner_ad", "first_visit", 0.12, 1.7),
    ),
    steps={
        "context_ad": Step(
            "ad_click",
            Gap(HOUR),
            (
                Source(G.PAID_SEARCH, "yandex", "cpc", "therapy_search", 0.5),
                Source(G.PAID_SEARCH, "yandex", "cpc", "uzi_search", 0.2),
                Source(G.PAID_SEARCH, "google", "cpc", "therapy_search", 0.3),
            ),
            drop=0.03,
        ),
        "banner_ad": Step(
            "ad_click",
            Gap(HOUR),
            (
                Source(G.DISPLAY, "yandex_rsya", "cpm", "flu_vaccination", 0.6),
                Source(G.DISPLAY, "yandex_rsya", "cpm", "checkup_banner", 0.4),
            ),
            drop=0.05,
        ),
        "search_results": Step(
            "search_click",
            Gap(4 * MINUTE),
            (
                Source(G.ORGANIC_SEARCH, "yandex", "organic", None, 0.7),
                Source(G.ORGANIC_SEARCH, "google", "organic", None, 0.3),
            ),
            drop=0.04,
        ),
        "maps_reviews": Step(
            "map_card_view",
            Gap(6 * MINUTE),
            (
                Source(G.REFERRAL, "yandex_maps", "referral", None, 0.5),
                Source(G.REFERRAL, "2gis", "referral", None, 0.25),
                Source(G.REFERRAL, "prodoctorov.ru", "referral", None, 0.25),
            ),
            repeat=0.4,
            repeat_gap=Gap(50.0, 0.8),
            drop=0.5,
            pause=0.15,
            detour=0.08,
        ),
        "social_page": Step(
            "social_visit",
            Gap(10 * MINUTE),
            (Source(G.SOCIAL, "vk", "social", None, 0.8), Source(G.SOCIAL, "ok", "social")),
            repeat=0.2,
            drop=0.12,
        ),
        "site_page": Step(
            "page_view",
            Gap(15.0, 0.6),
            repeat=0.65,
            repeat_gap=Gap(70.0, 0.9),
            drop=0.3,
            pause=0.55,
            detour=0.08,
            pages=_CLINIC_SITE,
        ),
        "online_chat": Step(
            "chat_message",
            Gap(3 * MINUTE),
            repeat=0.35,
            repeat_gap=Gap(90.0, 0.8),
            drop=0.2,
            pause=0.1,
            resume=-1,
            back=0.25,
            detour=0.03,
            optional=0.55,
            pages=("/chat",),
        ),
        "phone_booking": Step(
            "appointment_booked",
            Gap(25 * MINUTE, 1.5),
            offline("phone"),
            drop=0.07,
            detour=0.4,
            detours=(Detour("sms_reminder", 1.0, Gap(1.5 * DAY, 0.5)),),
            hours=(8, 21),
        ),
        "sms_reminder": Step(
            "sms_delivered",
            Gap(1.5 * DAY, 0.5),
            (Source(G.SMS, "sms", "sms", "visit_reminder"),),
            drop=0.05,
            optional=0.1,
            attributes=False,
        ),
        "reception": Step(
            "visit", Gap(3 * DAY, 0.8), offline("clinic"), drop=0.005, hours=_CLINIC_HOURS
        ),
        "questionnaire": Step(
            "form_filled",
            Gap(4 * MINUTE, 0.5),
            offline("clinic"),
            optional=0.1,
            hours=_CLINIC_HOURS,
        ),
        "doctor": Step(
            "consultation",
            Gap(15 * MINUTE, 0.5),
            offline("clinic"),
            repeat=0.08,
            repeat_gap=Gap(40 * MINUTE, 0.4),
            drop=0.02,
            detour=0.35,
            detours=(
                Detour("lab_results", 0.6, Gap(2 * DAY, 0.6)),
                Detour("followup_call", 0.4, Gap(3 * DAY, 0.5)),
            ),
            hours=_CLINIC_HOURS,
        ),
        "lab_results": Step(
            "results_viewed",
            Gap(2 * DAY, 0.6),
            (Source(G.EMAIL, "clinic_mail", "email", "lab_results"),),
            optional=0.4,
            pages=("/lk/analizy",),
        ),
        "followup_call": Step(
            "followup_call", Gap(3 * DAY, 0.5), offline("phone"), hours=(10, 19), attributes=False
        ),
        "review": Step(
            "review_posted",
            Gap(DAY, 0.9),
            (
                Source(G.REFERRAL, "prodoctorov.ru", "referral", None, 0.6),
                Source(G.REFERRAL, "yandex_maps", "referral", None, 0.4),
            ),
            optional=0.6,
        ),
        "mailing": Step(
            "email_click",
            Gap(12 * DAY, 0.7),
            (
                Source(G.EMAIL, "newsletter", "email", "checkup_reminder", 0.5),
                Source(G.EMAIL, "newsletter", "email", "flu_vaccination", 0.3),
                Source(G.SMS, "sms", "sms", "repeat_visit_offer", 0.2),
            ),
        ),
    },
    detours_before=(
        Detour("maps_reviews", 0.4, Gap(8 * MINUTE)),
        Detour("search_results", 0.35, Gap(3 * MINUTE)),
        Detour("social_page", 0.25, Gap(15 * MINUTE)),
    ),
    detours_after=(Detour("followup_call", 1.0, Gap(3 * DAY, 0.5)),),
    returns=(
        Return(
            "context_ad",
            0.35,
            Gap(3 * DAY),
            Source(G.PAID_SEARCH, "yandex", "cpc", "retargeting"),
        ),
        Return("search_results", 0.3, Gap(2 * DAY), Source(G.ORGANIC_SEARCH, "yandex", "organic")),
        Return("maps_reviews", 0.1, Gap(2 * DAY), Source(G.REFERRAL, "yandex_maps", "referral")),
        Return(None, 0.25, Gap(2 * DAY), Source(G.DIRECT, "(direct)", "(none)")),
    ),
    repeat={"first_visit": 0.38, "maps_first_visit": 0.42, "repeat_visit": 0.45},
    restart_gap=Gap(75 * DAY, 0.6),
    values={
        "first_visit": Value(3200.0, 0.45),
        "maps_first_visit": Value(3200.0, 0.45),
        "repeat_visit": Value(2600.0, 0.5),
    },
    # A flu season from October to March; summer holidays and the New Year break are quiet.
    months=(1.35, 1.4, 1.15, 0.95, 0.8, 0.7, 0.65, 0.75, 1.0, 1.2, 1.3, 1.05),
    weekdays=(1.25, 1.15, 1.1, 1.05, 1.0, 0.75, 0.6),
    hours=_CLINIC_DAY,
    peaks=(Peak(1, 1, 8, 0.4), Peak(5, 1, 10, 0.7)),
    locations=(
        Location("Москва", "м. Тверская", 0.45),
        Location("Москва", "м. Сокол", 0.35),
        Location("Химки", "м. Сокол", 0.1),
        Location("Красногорск", "м. Сокол", 0.05),
        Location("Мытищи", "м. Тверская", 0.05),
    ),
    segments={"individual": 0.7, "family": 0.2, "insurance": 0.1},
    email_share=0.6,
    phone_share=0.97,
)

# --- the electronics shop ---------------------------------------------------------------

_SHOP_PRODUCTS = (
    "/catalog/smartfony/volt-x12",
    "/catalog/smartfony/nova-5g",
    "/catalog/noutbuki/aero-14",
    "/catalog/naushniki/pulse-pro",
    "/catalog/televizory/vision-55",
    "/catalog/umnye-chasy/fit-3",
    "/catalog/planshety/tab-11",
)
_STORE_HOURS = (10, 22)
# New shoppers by local hour: evenings on the sofa.
_SHOP_DAY = (
    0.6, 0.3, 0.15, 0.1, 0.1, 0.15, 0.3, 0.7, 1.2, 1.6, 1.8, 1.9,
    2.0, 2.0, 1.9, 1.9, 2.0, 2.2, 2.5, 2.9, 3.2, 3.1, 2.4, 1.3,
)  # fmt: skip

SHOP = Behaviour(
    catalogue="shop.yaml",
    entries=(
        Entry("context_ad", "online_delivery", 0.27, 1.0),
        Entry("search_results", "online_delivery", 0.2, 0.85),
        Entry("price_aggregator", "online_delivery", 0.17, 0.6),
        Entry("social_ad", "online_delivery", 0.12, 1.5),
        Entry("social_page", "click_collect", 0.07, 1.2),
        Entry("context_ad", "click_collect", 0.1, 0.9),
        Entry("banner_ad", "online_delivery", 0.07, 1.9),
    ),
    steps={
        "context_ad": Step(
            "ad_click",
            Gap(HOUR),
            (
                Source(G.PAID_SEARCH, "yandex", "cpc", "smartphones_search", 0.45),
                Source(G.PAID_SEARCH, "yandex", "cpc", "laptops_search", 0.2),
                Source(G.PAID_SEARCH, "google", "cpc", "shopping_feed", 0.35),
            ),
            drop=0.03,
        ),
        "banner_ad": Step(
            "ad_click",
            Gap(HOUR),
            (Source(G.DISPLAY, "yandex_rsya", "cpm", "new_arrivals"),),
            drop=0.05,
        ),
        "social_ad": Step(
            "ad_click",
            Gap(HOUR),
            (Source(G.PAID_SOCIAL, "vk", "paid_social", "gadgets_interest"),),
            drop=0.08,
        ),
        "social_page": Step(
            "social_visit",
            Gap(10 * MINUTE),
            (Source(G.SOCIAL, "vk", "social"),),
            repeat=0.25,
            drop=0.1,
        ),
        "search_results": Step(
            "search_click",
            Gap(3 * MINUTE),
            (
                Source(G.ORGANIC_SEARCH, "yandex", "organic", None, 0.65),
                Source(G.ORGANIC_SEARCH, "google", "organic", None, 0.35),
            ),
            drop=0.04,
        ),
        "price_aggregator": Step(
            "offer_click",
            Gap(5 * MINUTE),
            (Source(G.REFERRAL, "market.yandex.ru", "referral"),),
            drop=0.04,
        ),
        "catalogue_page": Step(
            "page_view", Gap(30.0, 0.7), repeat=0.4, pages=("/catalog/smartfony", "/catalog")
        ),
        "product_page": Step(
            "page_view",
            Gap(15.0, 0.6),
            repeat=0.65,
            repeat_gap=Gap(60.0, 0.9),
            drop=0.35,
            pause=0.45,
            detour=0.1,
            pages=_SHOP_PRODUCTS,
        ),
        "customer_reviews": Step(
            "reviews_read", Gap(MINUTE), repeat=0.2, pages=("/catalog/otzyvy",)
        ),
        "support_chat": Step(
            "chat_message",
            Gap(2 * MINUTE),
            repeat=0.4,
            repeat_gap=Gap(80.0, 0.8),
            drop=0.15,
            pause=0.1,
            resume=-1,
            back=0.3,
            optional=0.4,
            pages=("/chat",),
        ),
        "store_visit": Step("store_visit", Gap(DAY, 0.8), offline("store"), hours=_STORE_HOURS),
        "mobile_app": Step(
            "app_open",
            Gap(40.0, 0.7),
            repeat=0.5,
            repeat_gap=Gap(45.0, 0.8),
            drop=0.1,
            optional=0.3,
            pages=("app:/home", "app:/favorites", "app:/catalog"),
        ),
        "cart": Step(
            "add_to_cart",
            Gap(3 * MINUTE),
            repeat=0.1,
            drop=0.3,
            pause=0.2,
            resume=-1,
            back=0.15,
            optional=0.1,
            pages=("/cart",),
        ),
        "checkout": Step("purchase", Gap(2 * MINUTE, 0.8), drop=0.03, pages=("/checkout",)),
        "order_sms": Step(
            "sms_delivered",
            Gap(20 * MINUTE),
            (Source(G.SMS, "sms", "sms", "order_status"),),
            repeat=0.5,
            repeat_gap=Gap(6 * HOUR, 0.6),
            drop=0.01,
            optional=0.1,
            attributes=False,
        ),
        "delivery": Step(
            "delivered",
            Gap(2 * DAY, 0.6),
            offline("courier"),
            drop=0.02,
            detour=0.15,
            hours=(9, 22),
        ),
        "store_pickup": Step(
            "picked_up", Gap(DAY, 0.8), offline("store"), drop=0.02, hours=_STORE_HOURS
        ),
        "loyalty": Step(
            "bonus_credited",
            Gap(2 * HOUR, 0.5),
            (Source(G.EMAIL, "crm", "email", "volt_plus_bonus"),),
            optional=0.3,
        ),
        "review_request": Step(
            "review_email_click",
            Gap(7 * DAY, 0.3),
            (Source(G.EMAIL, "crm", "email", "rate_your_purchase"),),
        ),
        "email_promo": Step(
            "email_click",
            Gap(10 * DAY, 0.6),
            (
                Source(G.EMAIL, "newsletter", "email", "accessories_for_you", 0.6),
                Source(G.EMAIL, "newsletter", "email", "seasonal_sale", 0.4),
            ),
            drop=0.15,
        ),
    },
    detours_before=(
        Detour("catalogue_page", 0.3, Gap(30.0, 0.7)),
        Detour("customer_reviews", 0.3, Gap(MINUTE)),
        Detour("price_aggregator", 0.15, Gap(5 * MINUTE)),
        Detour("social_page", 0.15, Gap(10 * MINUTE)),
        Detour("store_visit", 0.1, Gap(DAY, 0.8)),
    ),
    detours_after=(
        Detour("support_chat", 0.6, Gap(HOUR)),
        Detour("loyalty", 0.4, Gap(HOUR)),
    ),
    returns=(
        Return(
            "context_ad",
            0.3,
            Gap(2 * DAY),
            Source(G.PAID_SEARCH, "yandex", "cpc", "retargeting_smartphones"),
        ),
        Return(
            "email_promo",
            0.2,
            Gap(DAY, 0.7),
            Source(G.EMAIL, "crm", "email", "viewed_items"),
        ),
        Return(
            "price_aggregator",
            0.2,
            Gap(2 * DAY),
            Source(G.REFERRAL, "market.yandex.ru", "referral"),
        ),
        Return("search_results", 0.1, Gap(2 * DAY), Source(G.ORGANIC_SEARCH, "yandex", "organic")),
        Return(None, 0.2, Gap(DAY), Source(G.DIRECT, "(direct)", "(none)")),
    ),
    repeat={"online_delivery": 0.6, "click_collect": 0.65, "repeat_purchase": 0.6},
    restart_gap=Gap(55 * DAY, 0.7),
    values={
        "online_delivery": Value(9500.0, 0.85, 1000.0, -10.0),
        "click_collect": Value(14000.0, 0.8, 1000.0, -10.0),
        "repeat_purchase": Value(3500.0, 0.9, 100.0, -10.0),
    },
    # Black Friday and the New Year are the shop's season; February 23 and March 8 bring
    # small gift peaks.
    months=(0.85, 0.8, 0.9, 0.8, 0.8, 0.75, 0.75, 0.85, 0.95, 1.0, 1.45, 1.7),
    weekdays=(0.95, 0.95, 0.95, 1.0, 1.05, 1.1, 1.05),
    hours=_SHOP_DAY,
    peaks=(
        Peak(11, 24, 30, 1.8),
        Peak(12, 15, 30, 1.3),
        Peak(1, 1, 5, 0.5),
        Peak(2, 18, 22, 1.3),
        Peak(3, 3, 7, 1.4),
    ),
    locations=(
        Location("Москва", "ТЦ «Авиапарк»", 0.32),
        Location("Санкт-Петербург", "ТЦ «Галерея»", 0.16),
        Location("Новосибирск", "ТРЦ «Аура»", 0.08),
        Location("Екатеринбург", "ТРЦ «Гринвич»", 0.08),
        Location("Казань", "ТЦ «Кольцо»", 0.07),
        Location("Нижний Новгород", "ТРЦ «Небо»", 0.06),
        Location("Краснодар", "ТРЦ «Красная Площадь»", 0.06),
        Location("Самара", "ТРК «Космопорт»", 0.05),
        Location("Воронеж", "ТРЦ «Галерея Чижова»", 0.04),
        Location("Пермь", "ТРК «Семья»", 0.04),
        Location("Ростов-на-Дону", "ТРЦ «Горизонт»", 0.04),
    ),
    segments={"private": 0.85, "gadget_fan": 0.1, "business": 0.05},
    devices={"mobile": 0.66, "desktop": 0.3, "tablet": 0.04},
    email_share=0.95,
    phone_share=0.8,
)

BEHAVIOURS: dict[str, Behaviour] = {"clinic": CLINIC, "shop": SHOP}
"""The demo businesses by name, as ``generate(business=...)`` takes them."""
