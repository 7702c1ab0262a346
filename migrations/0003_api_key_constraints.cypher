// Schema: API keys (src/auth/). A key's name is its identity for ever (its writes record the actor
// `key:<name>`), so it stays unique after revocation; requests are authenticated by seeking the SHA-256 hash of
// the secret, which the second constraint makes unique and indexed.
CREATE CONSTRAINT api_key_name IF NOT EXISTS FOR (k:ApiKey) REQUIRE k.name IS UNIQUE;
CREATE CONSTRAINT api_key_hash IF NOT EXISTS FOR (k:ApiKey) REQUIRE k.hash IS UNIQUE;
