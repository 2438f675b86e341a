"""Area profiles: indicator tables, charts and the atlas pages behind the ward-profile PDF."""
