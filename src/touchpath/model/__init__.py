"""Domain vocabulary: pure pydantic types, no I/O."""

from touchpath.model.catalogue import Catalogue, Problem
from touchpath.model.chain import Chain
from touchpath.model.competitor import Competitor
from touchpath.model.customer import Customer
from touchpath.model.event import TouchEvent
from touchpath.model.feedback import Feedback, FeedbackKind
from touchpath.model.stage import DEFAULT_STAGES, Stage
from touchpath.model.touchpoint import Touchpoint
from touchpath.model.vocab import (
    Attention,
    Channel,
    ChannelGroup,
    Lifetime,
    Mode,
    Reaction,
    Role,
    StageGroup,
    Status,
)

__all__ = [
    "DEFAULT_STAGES",
    "Attention",
    "Catalogue",
    "Chain",
    "Channel",
    "ChannelGroup",
    "Competitor",
    "Customer",
    "Feedback",
    "FeedbackKind",
    "Lifetime",
    "Mode",
    "Problem",
    "Reaction",
    "Role",
    "Stage",
    "StageGroup",
    "Status",
    "TouchEvent",
    "Touchpoint",
]
