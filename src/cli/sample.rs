//! The built-in sample stream, shown when `ssekit` runs with a terminal on
//! standard input (or with `--sample`).

/// An LLM-style chat completion stream: a retry, typed events with ids, a
/// keep-alive comment, an event without an `id` (it carries the previous
/// one), a multi-line data event and the final message events.
pub(crate) const SAMPLE: &str = "\
: ssekit sample: a streamed chat completion
retry: 3000

event: message_start
id: 1
data: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_01\",\"role\":\"assistant\",\"model\":\"demo-1\"}}

event: content_block_start
id: 2
data: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}

event: ping
data: {\"type\":\"ping\"}

event: content_block_delta
id: 3
data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hello\"}}

: keep-alive

event: content_block_delta
id: 4
data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\", world\"}}

event: content_block_delta
id: 5
data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"! How can I help?\"}}

event: content_block_stop
id: 6
data: {\"type\":\"content_block_stop\",\"index\":0}

event: message_delta
id: 7
data: {\"type\":\"message_delta\",
data:  \"delta\":{\"stop_reason\":\"end_turn\"},
data:  \"usage\":{\"output_tokens\":12}}

event: message_stop
id: 8
data: {\"type\":\"message_stop\"}

data: [DONE]

";
