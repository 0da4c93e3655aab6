"""A ticket's conversation: public replies, internal notes, mentions, edits and soft deletes."""
