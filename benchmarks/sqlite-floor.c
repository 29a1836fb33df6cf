/* The persistence floor: libmicrohttpd with the reference server's threading. It handles POST /posts with one
   SQLite insert in its own transaction and GET /posts with a 20-row select rendered as JSON, through one
   connection behind one lock, as the reference server does. It has no validation, authentication or rate
   limits. */
#include <microhttpd.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static sqlite3 *db;
static sqlite3_stmt *insert_statement, *select_statement;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long counter;

static size_t append_row(char *out, size_t size, sqlite3_stmt *row) {
    return (size_t)snprintf(out, size,
        "{\"id\":\"%s\",\"workspaceId\":\"%s\",\"pageId\":\"%s\",\"plainText\":\"%s\",\"status\":\"%s\","
        "\"createdAt\":%.3f,\"modifiedAt\":%.3f}",
        sqlite3_column_text(row, 0), sqlite3_column_text(row, 1), sqlite3_column_text(row, 2),
        sqlite3_column_text(row, 3), sqlite3_column_text(row, 4), sqlite3_column_double(row, 5),
        sqlite3_column_double(row, 6));
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *connection, const char *url, const char *method,
                              const char *version, const char *upload, size_t *upload_size, void **context) {
    if (*context == NULL) { *context = (void *)1; return MHD_YES; }
    if (*upload_size > 0) { *upload_size = 0; return MHD_YES; }
    char *body = malloc(65536);
    size_t length = 0;
    pthread_mutex_lock(&lock);
    if (strcmp(method, "POST") == 0) {
        char id[32];
        snprintf(id, sizeof id, "%024lx", ++counter);
        sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
        sqlite3_bind_text(insert_statement, 1, id, -1, SQLITE_TRANSIENT);
        sqlite3_step(insert_statement);
        sqlite3_reset(insert_statement);
        sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
        length = (size_t)snprintf(body, 65536,
            "{\"posts\":[{\"id\":\"%s\",\"workspaceId\":\"w1\",\"pageId\":\"p1\","
            "\"plainText\":\"Benchmark post with some text to carry\",\"status\":\"draft\"}]}", id);
    } else {
        length = (size_t)snprintf(body, 65536, "{\"data\":[");
        int first = 1;
        while (sqlite3_step(select_statement) == SQLITE_ROW) {
            if (!first) body[length++] = ',';
            first = 0;
            length += append_row(body + length, 65536 - length, select_statement);
        }
        sqlite3_reset(select_statement);
        length += (size_t)snprintf(body + length, 65536 - length, "]}");
    }
    pthread_mutex_unlock(&lock);
    struct MHD_Response *response = MHD_create_response_from_buffer(length, body, MHD_RESPMEM_MUST_FREE);
    MHD_add_response_header(response, "Content-Type", "application/json");
    enum MHD_Result result = MHD_queue_response(connection, strcmp(method, "POST") == 0 ? 201 : 200, response);
    MHD_destroy_response(response);
    return result;
}

int main(int argc, char **argv) {
    if (argc < 2 || sqlite3_open(argv[1], &db) != SQLITE_OK) return 1;
    sqlite3_exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
        "CREATE TABLE IF NOT EXISTS posts (id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, page_id TEXT NOT NULL,"
        " text TEXT NOT NULL, status TEXT NOT NULL, created_at REAL NOT NULL, modified_at REAL NOT NULL);"
        "CREATE INDEX IF NOT EXISTS posts_by_workspace ON posts (workspace_id, created_at);", NULL, NULL, NULL);
    sqlite3_prepare_v2(db, "INSERT INTO posts VALUES (?, 'w1', 'p1', 'Benchmark post with some text to carry', "
        "'draft', unixepoch('subsec'), unixepoch('subsec'))", -1, &insert_statement, NULL);
    sqlite3_prepare_v2(db, "SELECT id, workspace_id, page_id, text, status, created_at, modified_at FROM posts "
        "WHERE workspace_id = 'w1' ORDER BY created_at DESC LIMIT 20", -1, &select_statement, NULL);
    for (int i = 0; i < 40; i++) {
        char id[32];
        snprintf(id, sizeof id, "seed%020d", i);
        sqlite3_bind_text(insert_statement, 1, id, -1, SQLITE_TRANSIENT);
        sqlite3_step(insert_statement);
        sqlite3_reset(insert_statement);
    }
    struct MHD_Daemon *daemon = MHD_start_daemon(MHD_USE_AUTO_INTERNAL_THREAD, 0, NULL, NULL, answer, NULL,
        MHD_OPTION_THREAD_POOL_SIZE, 4u, MHD_OPTION_END);
    if (daemon == NULL) return 1;
    printf("%u\n", MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT)->port);
    fflush(stdout);
    pause();
    return 0;
}
