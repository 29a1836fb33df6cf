import Foundation
import SQLite
import Timestamps

/// Comments on posts and their reactions.
enum CommentHandlers {
    static func list(_ context: APIContext) throws -> APIResponse {
        let (post, _) = try context.post(context.input.path("id"))
        var filter = "post_id = ?"
        var arguments: [any SQLiteBindable] = [post.id]
        if let teamOnly = context.input.queryString("teamOnly") {
            filter += " AND team_only = ?"
            arguments.append(teamOnly == "true")
        }
        let (offset, limit) = context.pagination(defaultLimit: 20)
        let total =
            try context.store.database.queryFirst("SELECT COUNT(*) AS n FROM comments WHERE \(filter)", arguments)?
            .int("n") ?? 0
        let rows = try context.store.database.query(
            "SELECT * FROM comments WHERE \(filter) ORDER BY created_at, rowid LIMIT ? OFFSET ?",
            arguments + [limit, offset])
        return .ok([
            "data": .array(rows.map { render($0, context.store) }),
            "pagination": context.paginationBody(offset: offset, limit: limit, total: total),
        ])
    }

    static func create(_ context: APIContext) throws -> APIResponse {
        let (post, _) = try context.post(context.input.path("id"))
        let text = context.body["text"]?.stringValue ?? ""
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw APIError.validation("body.text must contain more than white space")
        }
        var replyFor: String?
        if let parent = context.body["replyToCommentId"]?.stringValue {
            guard
                try context.store.database.queryFirst(
                    "SELECT id FROM comments WHERE id = ? AND post_id = ?", [parent, post.id]) != nil
            else {
                throw APIError.validation("replyToCommentId \(parent) is not a comment on post \(post.id)")
            }
            replyFor = parent
        }
        let id = Identifiers.objectID()
        try context.store.database.run(
            """
            INSERT INTO comments (id, post_id, text, author_id, team_only, reply_for, reactions, created_at)
            VALUES (?, ?, ?, ?, ?, ?, '[]', ?)
            """,
            [
                id, post.id, text, context.token.memberID, context.body["teamOnly"]?.boolValue ?? false, replyFor,
                context.now,
            ])
        return .created(["data": try comment(id, context)])
    }

    static func update(_ context: APIContext) throws -> APIResponse {
        let row = try authoredComment(context, verb: "edit")
        let text = context.body["text"]?.stringValue ?? ""
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw APIError.validation("body.text must contain more than white space")
        }
        try context.store.database.run(
            "UPDATE comments SET text = ?, updated_at = ? WHERE id = ?", [text, context.now, row.string("id") ?? ""])
        return .ok(["data": try comment(row.string("id") ?? "", context)])
    }

    static func delete(_ context: APIContext) throws -> APIResponse {
        let row = try authoredComment(context, verb: "delete")
        let id = row.string("id") ?? ""
        try context.store.database.transaction {
            // Replies go with the comment, including replies to replies.
            try context.store.database.run(
                """
                WITH RECURSIVE thread(id) AS (
                    SELECT ?1 UNION SELECT c.id FROM comments c JOIN thread t ON c.reply_for = t.id)
                DELETE FROM comments WHERE id IN thread
                """, [id])
        }
        return .noContent
    }

    static func react(_ context: APIContext) throws -> APIResponse {
        let row = try commentRow(context)
        var reactions = context.store.decodeJSON(row.string("reactions"))?.arrayValue ?? []
        let emojiID = context.body["emojiId"]?.stringValue ?? ""
        let skin = context.body["emojiSkin"]?.intValue ?? 0
        let user = context.token.memberID
        if let index = reactions.firstIndex(where: {
            $0["emojiId"]?.stringValue == emojiID && $0["emojiSkin"]?.intValue == skin
        }) {
            var users = reactions[index]["users"]?.arrayValue ?? []
            if users.contains(where: { $0["userId"]?.stringValue == user }) {
                users.removeAll { $0["userId"]?.stringValue == user }
            } else {
                users.append(["userId": .string(user), "createdAt": .string(Timestamp.format(context.now))])
            }
            if users.isEmpty {
                reactions.remove(at: index)
            } else {
                reactions[index] = replacing(reactions[index], "users", .array(users))
            }
        } else {
            reactions.append([
                "emoji": context.body["emoji"] ?? "", "emojiId": .string(emojiID), "emojiSkin": .integer(skin),
                "emojiNative": context.body["emojiNative"] ?? "",
                "users": [["userId": .string(user), "createdAt": .string(Timestamp.format(context.now))]],
            ])
        }
        try context.store.database.run(
            "UPDATE comments SET reactions = ? WHERE id = ?",
            [JSONValue.array(reactions).serializedString, row.string("id") ?? ""])
        return .ok(["data": ["reactions": .array(reactions)]])
    }

    private static func replacing(_ object: JSONValue, _ key: String, _ value: JSONValue) -> JSONValue {
        var members = object.objectValue ?? []
        if let index = members.firstIndex(where: { $0.0 == key }) {
            members[index].1 = value
        } else {
            members.append((key, value))
        }
        return .object(members)
    }

    private static func commentRow(_ context: APIContext) throws -> SQLiteRow {
        let (post, _) = try context.post(context.input.path("id"))
        let commentID = context.input.path("commentId")
        guard
            let row = try context.store.database.queryFirst(
                "SELECT * FROM comments WHERE id = ? AND post_id = ?", [commentID, post.id])
        else { throw APIError.notFound("comment \(commentID) not found on post \(post.id)") }
        return row
    }

    private static func authoredComment(_ context: APIContext, verb: String) throws -> SQLiteRow {
        let row = try commentRow(context)
        guard row.string("author_id") == context.token.memberID else {
            throw APIError.forbidden("only the comment author can \(verb) comment \(row.string("id") ?? "")")
        }
        return row
    }

    private static func comment(_ id: String, _ context: APIContext) throws -> JSONValue {
        guard let row = try context.store.database.queryFirst("SELECT * FROM comments WHERE id = ?", [id]) else {
            throw APIError.notFound("comment \(id) not found")
        }
        return render(row, context.store)
    }

    static func render(_ row: SQLiteRow, _ store: ReferenceStore) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("id", .optional(row.string("id"))), ("postId", .optional(row.string("post_id"))),
            ("text", .optional(row.string("text"))), ("authorId", .optional(row.string("author_id"))),
            ("teamOnly", .bool(row.bool("team_only") ?? false)),
        ]
        if let parent = row.string("reply_for") { members.append(("replyFor", .string(parent))) }
        members.append(("reactions", store.decodeJSON(row.string("reactions")) ?? .array([])))
        members.append(("createdAt", .string(Timestamp.format(row.double("created_at") ?? 0))))
        return .object(members)
    }
}
