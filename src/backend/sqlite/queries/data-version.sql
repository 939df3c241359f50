-- Changes whenever another connection (any process) committed since this connection last asked.
-- Params: none.
-- Returns: data_version.
PRAGMA data_version
