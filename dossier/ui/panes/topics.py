"""The Topics pane: what the chosen negotiation argues about, and the rounds that had each on
their agenda.

``NegotiationRecordPane`` is what a pane over one negotiation's records (topics, events)
shares: it lists only the chosen negotiation's, follows the choice, gives new records
that negotiation, and is not able to make any while none is chosen.
"""

from __future__ import annotations

import dataclasses
from functools import partial

from dossier.model.records import Topic
from dossier.services import records
from dossier.ui.models.small import TopicsListModel
from dossier.ui.widgets.editor import RecordEditor
from dossier.ui.widgets.fields import LineField, LinkList, TextField, section_title
from dossier.ui.widgets.negotiation_data import round_label
from dossier.ui.widgets.record_pane import NegotiationRecordPane
from dossier.ui.widgets.text import dot_joined


class TopicEditor(RecordEditor):
    COLLECTION = "topics"

    def build(self) -> None:
        self.topic_title = self.add_field("title", None, LineField(placeholder=self.tr("e.g. Buffer zone")))
        self.category = self.add_field("category", None,
                                       LineField(placeholder=self.tr("e.g. Security, Territory")))
        self.description = self.add_field("description", None, TextField(height=96))

        self.rounds_list = LinkList(self.tr("Not on any round's agenda yet"))
        self.rounds_list.setObjectName("topicRounds")
        self.rounds_list.open_record.connect(self.ctx.sig_open_record)
        self.layout_.addWidget(section_title(self.tr("On the agenda of")))
        self.layout_.addWidget(self.rounds_list)

    def blank(self) -> Topic:
        return Topic(id="", negotiation=self.ctx.negotiation_id or "", title="")

    def headings(self, topic: Topic) -> tuple[str, str]:
        return topic.title, topic.category or ""

    def load(self, topic: Topic) -> None:
        self.topic_title.set_value(topic.title or None)
        self.category.set_value(topic.category)
        self.description.set_value(topic.description)
        self.fill_links(topic)

    def fill_links(self, topic: Topic) -> None:
        """The rounds whose agenda holds the topic, with how many positions were stated on it."""
        if not topic.id:
            self.rounds_list.set_links([])
            return
        rounds = records.listing(self.ctx.ws, "rounds", "topics", topic.id, order_by=("number", "uid"))
        stated = records.find(self.ctx.ws, "positions", {"topic": topic.id}, lists=False)
        per_round: dict[str | None, int] = {}
        for position in stated:
            per_round[position.round] = per_round.get(position.round, 0) + 1
        links = []
        for rnd in rounds:
            count = per_round.get(rnd.id, 0)
            said = self.tr("1 position") if count == 1 else self.tr("{0} positions").format(count)
            parts = (round_label(rnd), rnd.title if rnd.number is not None else "", said if count else "")
            links.append(("rounds", rnd.id, dot_joined(p for p in parts if p)))
        self.rounds_list.set_links(links)

    def read(self, base: Topic) -> Topic:
        return dataclasses.replace(
            base,
            negotiation=base.negotiation or self.ctx.negotiation_id or "",
            title=self.topic_title.value() or "",
            category=self.category.value(),
            description=self.description.value(),
        )


class TopicsPane(NegotiationRecordPane):
    title = "Topics"
    FOLLOWS = ("rounds", "positions")
    EDITOR = TopicEditor
    MODEL = partial(TopicsListModel, sort="title")
    FILTER_HINT = "Filter by title, category or description…"
    COUNT_WORDS = ("1 topic", "{0} topics")

    def record_kept(self, topic) -> None:
        self.editor.fill_links(topic)  # a round put it on its agenda, or a position was stated
