"""Discord's documented limits: the one table every part of the project reads.

The renderer keeps within these, the content validator sizes fields by them, the error handler
clips by them and the sandbox's checker refuses what breaks them. Imports nothing from discord,
so the domain layer can use it. Lengths are counted in code points (Python's `len`).
"""

from __future__ import annotations

# Messages
MESSAGE_CONTENT_MAX = 2000
MESSAGE_EMBEDS_MAX = 10
NONCE_MAX = 25
ALLOWED_MENTIONS_IDS_MAX = 100

ATTACHMENT_SIZE_MAX = 10 * 1024 * 1024  # bytes, for a bot without boosts

# Embeds
EMBED_TITLE_MAX = 256
EMBED_DESCRIPTION_MAX = 4096
EMBED_FIELDS_MAX = 25
EMBED_FIELD_NAME_MAX = 256
EMBED_FIELD_VALUE_MAX = 1024
EMBED_FOOTER_MAX = 2048
EMBED_AUTHOR_MAX = 256
EMBED_TOTAL_MAX = 6000  # title, description, field names and values, footer and author together
URL_MAX = 2048

# Components
ACTION_ROWS_MAX = 5
ROW_BUTTONS_MAX = 5
CUSTOM_ID_MAX = 100
BUTTON_LABEL_MAX = 80
SELECT_OPTIONS_MAX = 25
SELECT_PLACEHOLDER_MAX = 150
SELECT_OPTION_TEXT_MAX = 100
SELECT_VALUES_MAX = 25
COMPONENTS_V2_TOTAL_MAX = 40
TEXT_DISPLAY_TOTAL_MAX = 4000

# Modals
MODAL_TITLE_MAX = 45
MODAL_COMPONENTS_MAX = 5
TEXT_INPUT_LABEL_MAX = 45
TEXT_INPUT_PLACEHOLDER_MAX = 100
TEXT_INPUT_VALUE_MAX = 4000

# Application commands
COMMAND_NAME_MAX = 32
COMMAND_DESCRIPTION_MAX = 100
COMMAND_OPTIONS_MAX = 25
COMMAND_CHOICES_MAX = 25
CHOICE_NAME_MAX = 100
CHOICE_VALUE_MAX = 100
OPTION_LENGTH_MAX = 6000
COMMAND_TOTAL_CHARS_MAX = 8000
SLASH_COMMANDS_MAX = 100
CONTEXT_MENU_COMMANDS_MAX = 5
AUTOCOMPLETE_CHOICES_MAX = 25

# Threads
THREAD_NAME_MAX = 100

# Interactions (seconds)
INTERACTION_RESPONSE_WINDOW = 3.0  # to the first response
INTERACTION_TOKEN_LIFETIME = 15 * 60.0  # the token serves followups and edits this long
