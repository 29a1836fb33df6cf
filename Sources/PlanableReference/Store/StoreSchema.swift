/// The reference database schema; migration `i` moves `PRAGMA user_version` from `i` to `i + 1`.
enum StoreSchema {
    static let migrations: [String] = [
        """
        CREATE TABLE companies (
            id TEXT PRIMARY KEY, name TEXT NOT NULL, workspace_limit INTEGER NOT NULL);
        CREATE TABLE members (
            id TEXT PRIMARY KEY, company_id TEXT NOT NULL, name TEXT NOT NULL, email TEXT NOT NULL,
            membership TEXT NOT NULL, permissions TEXT NOT NULL);
        CREATE TABLE workspaces (
            id TEXT PRIMARY KEY, company_id TEXT NOT NULL, name TEXT NOT NULL,
            timezone TEXT NOT NULL, website_url TEXT, approval_type TEXT NOT NULL,
            approval_levels TEXT NOT NULL DEFAULT '[]', auto_schedule INTEGER NOT NULL DEFAULT 0,
            auto_lock INTEGER NOT NULL DEFAULT 0, send_reminders INTEGER,
            default_team_only INTEGER NOT NULL DEFAULT 0, hide_emails INTEGER NOT NULL DEFAULT 0,
            created_at REAL NOT NULL, updated_at REAL NOT NULL);
        CREATE TABLE workspace_members (
            workspace_id TEXT NOT NULL, member_id TEXT NOT NULL, is_approver INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (workspace_id, member_id));
        CREATE TABLE pages (
            id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, name TEXT NOT NULL,
            platform TEXT NOT NULL, connected INTEGER NOT NULL, profile_picture TEXT, link TEXT,
            created_at REAL NOT NULL, sync_started_at REAL, last_synced_at REAL);
        CREATE INDEX pages_workspace ON pages (workspace_id);
        CREATE TABLE tokens (
            id TEXT PRIMARY KEY, company_id TEXT NOT NULL, member_id TEXT NOT NULL, name TEXT NOT NULL,
            lookup TEXT NOT NULL, digest BLOB NOT NULL, scope TEXT NOT NULL, all_workspaces INTEGER NOT NULL,
            created_at REAL NOT NULL, expires_at REAL, revoked_at REAL, last_used_at REAL);
        CREATE INDEX tokens_lookup ON tokens (lookup);
        CREATE TABLE token_workspaces (
            token_id TEXT NOT NULL, workspace_id TEXT NOT NULL, PRIMARY KEY (token_id, workspace_id));
        CREATE TABLE labels (
            id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, name TEXT, color TEXT NOT NULL,
            created_at REAL NOT NULL);
        CREATE TABLE campaigns (
            id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, name TEXT NOT NULL,
            status TEXT NOT NULL, icon TEXT NOT NULL, color TEXT NOT NULL, started_at REAL, ended_at REAL,
            description TEXT, links TEXT NOT NULL DEFAULT '[]', created_at REAL NOT NULL);
        CREATE TABLE posts (
            id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, page_id TEXT NOT NULL,
            classification TEXT NOT NULL, text TEXT NOT NULL, created_at REAL NOT NULL, modified_at REAL NOT NULL,
            grid_position INTEGER, campaign_id TEXT, media TEXT NOT NULL DEFAULT '[]',
            media_ids TEXT NOT NULL DEFAULT '[]', media_type TEXT, scheduled_at REAL,
            publish_at_scheduled INTEGER NOT NULL DEFAULT 0, state TEXT NOT NULL DEFAULT 'draft',
            publish_started_at REAL, published_at REAL, published_link TEXT, failure TEXT,
            approvals TEXT NOT NULL DEFAULT '[]', approval_requested INTEGER NOT NULL DEFAULT 0,
            team_only INTEGER NOT NULL DEFAULT 0, archived INTEGER NOT NULL DEFAULT 0,
            labels TEXT NOT NULL DEFAULT '[]', group_id TEXT, group_page_ids TEXT, share_link TEXT, pinterest TEXT,
            extras TEXT NOT NULL DEFAULT '{}', metrics_sync_started_at REAL, metrics_synced_at REAL,
            story_group_id TEXT);
        CREATE INDEX posts_workspace ON posts (workspace_id, created_at);
        CREATE INDEX posts_state ON posts (state, scheduled_at);
        CREATE TABLE comments (
            id TEXT PRIMARY KEY, post_id TEXT NOT NULL, text TEXT NOT NULL,
            author_id TEXT NOT NULL, team_only INTEGER NOT NULL, reply_for TEXT,
            reactions TEXT NOT NULL DEFAULT '[]', created_at REAL NOT NULL);
        CREATE INDEX comments_post ON comments (post_id);
        CREATE TABLE media (
            id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, source_url TEXT NOT NULL,
            type TEXT NOT NULL, name TEXT NOT NULL, url TEXT, thumbnail_url TEXT, width INTEGER, height INTEGER,
            size INTEGER NOT NULL DEFAULT 0, mime_type TEXT NOT NULL, status TEXT NOT NULL, failure TEXT,
            created_at REAL NOT NULL);
        CREATE INDEX media_workspace ON media (workspace_id);
        CREATE TABLE competitors (
            id TEXT PRIMARY KEY, page_id TEXT NOT NULL, scraped_page_id TEXT NOT NULL,
            handle TEXT NOT NULL, display_name TEXT NOT NULL, platform TEXT NOT NULL, created_at REAL NOT NULL);
        CREATE TABLE keywords (
            id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, text TEXT NOT NULL,
            type TEXT NOT NULL, created_at REAL NOT NULL);
        """,
        """
        ALTER TABLE keywords ADD COLUMN removed_at REAL;
        ALTER TABLE competitors ADD COLUMN profile_image_url TEXT;
        ALTER TABLE comments ADD COLUMN updated_at REAL;
        """,
        "ALTER TABLE companies ADD COLUMN api_enabled INTEGER NOT NULL DEFAULT 1;",
        // Only posts that wait to publish, or are publishing, enter the lifecycle index, so a plain draft writes
        // one index page less. The group index serves edits to grouped posts, which update every page's post.
        """
        DROP INDEX posts_state;
        CREATE INDEX posts_lifecycle ON posts (state, scheduled_at)
            WHERE state = 'publishing' OR publish_at_scheduled = 1;
        CREATE INDEX posts_group ON posts (group_id) WHERE group_id IS NOT NULL;
        """,
        // A competitor that a page stops tracking is kept through the cooling window, so that adding it again
        // restores it.
        "ALTER TABLE competitors ADD COLUMN removed_at REAL;",
    ]
}
