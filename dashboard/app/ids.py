"""Component ids, in one place."""

MAP = "map"
TIMELINE = "timeline"
EXCERPTS = "excerpts"
# The excerpts panel's content as node JSON (nodes.node); assets/panels.js draws it in EXCERPTS as plain DOM.
EXCERPT_NODES = "excerpt-nodes"
SELECTION = "selection"
SUMMARY = "summary"
RESET = "reset-selection"
BASEMAP = "basemap"
TIMELINE_RANGE = "timeline-range"
SIZE_BY = "size-by"
PRECISE_ONLY = "precise-only"
STORE_GENERATION = "store-generation"  # bumped when new events arrive (upload): views refresh
URL = "url"
FILTERS = "filters"  # Filters.to_dict() of the controls below and the map area
MAP_PLACES = "map-places"  # place_keys chosen by a box/lasso on the map
MAP_DOUBLE_CLICK = "map-double-click"  # set by assets/panels.js on a double-click on the map
MAP_VIEW = "map-view"  # the map's center/scale (or tile zoom), for the permalink
MAP_BOX = "map-box"  # {"box", "goto", "view"}: the lon/lat box the map shows (clusters are cut for it),
# the box a clicked cluster moves the map to, the view a link opened with; see callbacks.MAP_BOX_JS
MAP_PANEL = "map-panel"  # {"px": [w, h]}: the map's plot area, set by assets/panels.js after a draw that changed it
COUNTS = "counts"
FILTERS_PANEL = "filters-panel"
URL_NOTE = "url-note"  # what a link asked for that was left out
FILTERS_TOGGLE = "filters-toggle"  # opens the filters drawer at phone width
FILTER_TYPES = "filter-types"
FILTER_SUBTYPES = "filter-subtypes"
FILTER_ACTORS = "filter-actors"
FILTER_COUNTRIES = "filter-countries"
FILTER_ADMIN1S = "filter-admin1s"
FILTER_SOURCES = "filter-sources"
FILTER_MIN_FATALITIES = "filter-min-fatalities"
FILTER_MIN_CONFIDENCE = "filter-min-confidence"
FILTER_TEXT = "filter-text"
CLEAR_FILTERS = "clear-filters"
MEASURE = "measure"
PLAY = "play"
PLAY_INTERVAL = "play-interval"
PLAY_WINDOW = "play-window"
PLAY_STEP = "play-step"
PLAY_CUMULATIVE = "play-cumulative"
MAP_KEY = "map-key"  # what colour, size and hollow markers mean
PLACE_PICK = "place-pick"  # "go to place": the places in view by name, for the keyboard
PLACE_OPTIONS = "place-options"  # PLACE_PICK's options, handed to it when it is opened (clientside.PLACE_OPTIONS_JS)
DATE_FROM = "date-from"  # typed dates of the time window (YYYY-MM-DD)
DATE_TO = "date-to"
DATE_EXTENT = "date-extent"  # [first, last] day of the filtered events, for the presets
DATE_PRESETS = {"preset-7": 7, "preset-30": 30, "preset-90": 90, "preset-365": 365, "preset-all": None}
EXPORT_CSV = "export-csv"
EXPORT_GEOJSON = "export-geojson"
DOWNLOAD = "download"
# An excerpt button's click (select, read, other places), set by assets/panels.js from the button's
# data-* attributes: one store instead of a callback per button (re-rendered buttons woke those).
EXCERPT_ACTION = "excerpt-action"
# {"places": [place_key, ...]}: the table rows marked together (Ctrl/Shift+click), set by
# assets/panels.js; the camera fits the map to them (clientside.CAMERA_JS).
CAMERA_PLACES = "camera-places"
TABLE_STATE = "table-state"  # {"view": "list"|"table", "sort", "desc"}: the panel beside the map (app/table.py)
EXCERPT_PAGE = "excerpt-page"  # {"page", "token"}: which page of the listed sentences (excerpts.page_token)
CORRECT_EVENT = "correct-event"  # the selected event, for the correction panel (changes only with it)
READER_EVENT = "reader-event"  # the selected event while the reader is open

# The dropdown filters: component id → Filters field.
CHOICE_FILTERS = {
    FILTER_TYPES: "event_types",
    FILTER_SUBTYPES: "sub_event_types",
    FILTER_ACTORS: "actors",
    FILTER_COUNTRIES: "countries",
    FILTER_ADMIN1S: "admin1s",
    FILTER_SOURCES: "sources",
}

# Side panels: reading in context, correcting a place, uploading, theme.
READER = "reader"
READER_STATE = "reader-state"
READER_CLOSE = "reader-close"
READER_BODY = "reader-body"
READER_TITLE = "reader-title"
READER_HIGHLIGHT = "reader-highlight"  # pattern-matching type, index = event_id
CORRECT = "correct"
CORRECT_CHOICE = "correct-choice"
CORRECT_SAVE = "correct-save"
CORRECT_STATUS = "correct-status"
CORRECT_TITLE = "correct-title"
CORRECT_CONTEXT = "correct-context"
CORRECT_CLOSE = "correct-close"
CORRECT_SEARCH = "correct-search"  # any gazetteer place by name (app/place_search.py)
CORRECT_SCOPE = "correct-scope"  # this event / this article / every article (corrections.SCOPES)
CORRECT_PREVIEW = "correct-preview"  # how many events the save would move
CORRECT_LOG = "correct-log"  # the store's corrections, each with its undo
CORRECT_UNDO = "correct-undo"  # {"id", "at"}: an undo button's click (assets/panels.js)
CORRECT_PICK = "correct-pick"  # "Pick on the map": the next click on the map is the place (assets/panels.js)
CORRECT_POINT = "correct-point"  # {"lat", "lon", "at"}: the point picked on the map
UPLOAD = "upload"
UPLOAD_JOB = "upload-job"
UPLOAD_POLL = "upload-poll"
UPLOAD_STATUS = "upload-status"
UPLOAD_STATUS_BODY = "upload-status-body"
UPLOAD_DISMISS = "upload-dismiss"
UPLOAD_SOURCE = "upload-source"  # outlet, link and publication date for the next upload's files
UPLOAD_URL = "upload-url"
UPLOAD_PUBLISHED = "upload-published"
UPLOAD_DECISION = "upload-decision"  # {"decision": "keep"|"discard"}: the review's buttons (assets/panels.js)
THEME = "theme"
THEME_TOGGLE = "theme-toggle"
