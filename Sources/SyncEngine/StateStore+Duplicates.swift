import Foundation

/// A post group that a create without a response left beside the item's own posts, after the create was sent
/// again and both took effect. Only a person can tell which group to keep, so the state keeps it, and each full
/// run reports it until its posts are gone.
package struct DuplicateGroup: Codable, Sendable, Equatable {
    package var groupId: String
    package var postIds: [String]
    package var workspaceId: String
    package var source: String
    package var identity: String
    /// When a run found it, as an RFC 3339 time.
    package var foundAt: String

    /// The report line, which names the group for a person to delete.
    package var message: String {
        "\(source): \(identity): a create that got no response took effect after it was sent again, so post group "
            + "\(groupId) duplicates the item's posts; delete it in Planable (found \(foundAt))"
    }
}

extension StateStore {
    private static let duplicateGroupPrefix = "duplicate_group:"

    /// Records a duplicate group, kept in the settings table under its group id.
    package func recordDuplicateGroup(_ group: DuplicateGroup) throws {
        let json = String(decoding: try JSONEncoder().encode(group), as: UTF8.self)
        try setSetting(Self.duplicateGroupPrefix + group.groupId, json)
    }

    /// Returns the recorded duplicate groups, oldest first. A record that does not decode is left out.
    package func duplicateGroups() throws -> [DuplicateGroup] {
        let values = try withDatabase { database in
            try database.query(
                "SELECT value FROM settings WHERE key >= ? AND key < ? ORDER BY key",
                [Self.duplicateGroupPrefix, Self.duplicateGroupPrefix + "\u{10FFFF}"]
            ).compactMap { $0.string("value") }
        }
        return values.compactMap { try? JSONDecoder().decode(DuplicateGroup.self, from: Data($0.utf8)) }
            .sorted { $0.foundAt < $1.foundAt }
    }

    /// Forgets a duplicate group, once its posts are gone.
    package func dropDuplicateGroup(groupId: String) throws {
        try withDatabase { database in
            _ = try database.run("DELETE FROM settings WHERE key = ?", [Self.duplicateGroupPrefix + groupId])
        }
    }
}
