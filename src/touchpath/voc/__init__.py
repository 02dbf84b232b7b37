"""Voice of the customer: feedback import, NPS / CSAT / CES KPIs, sentiment, alerts."""
