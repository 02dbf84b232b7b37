"""Comments of the demo feedback, by language, touchpoint (``*``: any) and reaction."""

from __future__ import annotations

Key = tuple[str, str]

RU: dict[Key, list[str]] = {
    ("*", "positive"): [
        "Всё отлично, спасибо!",
        "Очень удобно и быстро.",
        "Приятно удивили, рекомендую.",
        "Вежливые сотрудники, всё понравилось.",
        "Всё чётко и профессионально.",
    ],
    ("*", "neutral"): [
        "Нормально.",
        "Обычный сервис, как везде.",
        "Заказ получил.",
        "Пришло смс.",
        "Записался на среду.",
    ],
    ("*", "negative"): [
        "Долго и неудобно.",
        "Не понравилось, ожидал большего.",
        "Плохой сервис, не рекомендую.",
        "Пришлось ждать, никто ничего не объяснил.",
    ],
    ("support_chat", "negative"): [
        "Ждал ответа в чате сорок минут и так и не дождался.",
        "Бот отправляет по кругу, до оператора не добраться.",
        "Оператор отвечает шаблонами, вопрос не решили.",
        "Ответили через сутки, уже неактуально.",
        "Чат закрылся, а ответа нет.",
    ],
    ("support_chat", "positive"): [
        "Оператор ответил за минуту и всё решил.",
        "Быстро помогли с возвратом, спасибо.",
    ],
    ("checkout", "negative"): [
        "Оплата не прошла с третьего раза, а деньги списались.",
        "Страница оформления зависает, промокод не применяется.",
        "Ужасно неудобная форма заказа, пришлось заполнять дважды.",
        "После обновления сайта не могу оформить заказ.",
        "Ошибка при оплате картой, заказ пропал.",
    ],
    ("checkout", "positive"): ["Оформил заказ за минуту, всё понятно.", "Удобная оплата."],
    ("delivery", "positive"): [
        "Курьер приехал вовремя и был очень вежлив.",
        "Доставили на день раньше, упаковка целая.",
    ],
    ("delivery", "negative"): ["Курьер опоздал на три часа и не позвонил."],
    ("phone_booking", "negative"): [
        "Дозвониться невозможно, никто не берёт трубку.",
        "Звонок сбросили два раза подряд.",
        "Полчаса на линии, потом сказали перезвонить.",
        "Обещали перезвонить и не перезвонили.",
        "Администратор по телефону грубила и торопила.",
    ],
    ("phone_booking", "positive"): ["Записали быстро, очень вежливо."],
    ("reception", "negative"): [
        "Очередь в регистратуре на полчаса, хотя был записан.",
        "Администратор нахамила и перепутала карту.",
        "В регистратуре грубо и равнодушно.",
        "Пришлось ждать приёма сорок минут после назначенного времени.",
        "Никто не объяснил, куда идти после регистрации.",
    ],
    ("reception", "positive"): ["Приветливый администратор, всё подсказала."],
    ("doctor", "positive"): [
        "Врач очень внимательный, всё подробно объяснил.",
        "Замечательный доктор, лечение помогло.",
        "Спасибо доктору за терпение и заботу!",
    ],
    ("lab_results", "positive"): ["Результаты пришли вовремя, всё понятно расписано."],
}

EN: dict[Key, list[str]] = {
    ("*", "positive"): [
        "Everything was great, thanks!",
        "Really convenient and quick.",
        "Pleasantly surprised, I recommend it.",
        "Polite staff, loved it.",
        "Clear and professional.",
    ],
    ("*", "neutral"): [
        "It's okay.",
        "Ordinary service.",
        "Order received.",
        "Got a text.",
        "Booked for Wednesday.",
    ],
    ("*", "negative"): [
        "Slow and inconvenient.",
        "Didn't like it, expected more.",
        "Poor service, would not recommend.",
        "Had to wait and nobody explained anything.",
    ],
    ("support_chat", "negative"): [
        "Waited forty minutes in the chat and never got an answer.",
        "The bot sends you round in circles, impossible to reach a human.",
        "Canned replies, my problem was not solved.",
        "They replied a day later, too late.",
    ],
    ("support_chat", "positive"): ["The agent answered within a minute and fixed it."],
    ("checkout", "negative"): [
        "Payment failed three times but the money was taken.",
        "The checkout page freezes and the promo code doesn't apply.",
        "Terrible order form, had to fill it in twice.",
        "Card payment error, my order disappeared.",
    ],
    ("checkout", "positive"): ["Checked out in a minute, very easy."],
    ("delivery", "positive"): ["The courier was on time and very polite."],
    ("phone_booking", "negative"): [
        "Impossible to get through, nobody picks up.",
        "My call was dropped twice.",
        "They promised to call back and never did.",
        "Half an hour on hold, then told to call later.",
    ],
    ("reception", "negative"): [
        "Half an hour queue at reception despite booking.",
        "The receptionist was rude and mixed up my file.",
        "Waited forty minutes past my appointment time.",
    ],
    ("doctor", "positive"): [
        "Very attentive doctor, explained everything.",
        "Wonderful doctor, the treatment worked.",
    ],
}

TEXTS: dict[str, dict[Key, list[str]]] = {"ru": RU, "en": EN}
