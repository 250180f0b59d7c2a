"""Meeting notes (issue 16): a transcribed meeting's summary and transcript, posted once in the
card's thread, deletable by its host, and removed under the retention policy.

The transcript and summary texts are meeting content: they are fetched from the provider when
needed, sent to Slack, and never stored in Redis or written to a log.
"""
