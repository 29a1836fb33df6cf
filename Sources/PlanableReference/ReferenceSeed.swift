/// The companies, workspaces, pages, members and tokens that a new reference database starts with.
package struct ReferenceSeed: Sendable, Equatable {
    package struct Company: Sendable, Equatable {
        package var id: String
        package var name: String
        /// The most workspaces the company may have; POST /workspaces answers WORKSPACE_LIMIT_REACHED past it.
        package var workspaceLimit: Int
        package var members: [Member]
        package var workspaces: [Workspace]
        package var tokens: [Token]

        package init(
            id: String? = nil, name: String, workspaceLimit: Int = 25, members: [Member] = [],
            workspaces: [Workspace] = [], tokens: [Token] = []
        ) {
            self.id = id ?? Identifiers.derived("company", name)
            self.name = name
            self.workspaceLimit = workspaceLimit
            self.members = members
            self.workspaces = workspaces
            self.tokens = tokens
        }
    }

    package struct Member: Sendable, Equatable {
        package var id: String
        package var name: String
        package var email: String
        /// `team` or `client`.
        package var membership: String
        package var permissions: [String]

        /// - Parameter companyName: the company's name, which the derived id includes, because one person may be a
        ///   member of several companies.
        package init(
            id: String? = nil, name: String, email: String, membership: String = "team", permissions: [String]? = nil,
            companyName: String = ""
        ) {
            self.id = id ?? Identifiers.derived("member", companyName, email)
            self.name = name
            self.email = email
            self.membership = membership
            self.permissions =
                permissions ?? (membership == "team" ? ["read", "write", "approve", "publish"] : ["read", "approve"])
        }
    }

    package struct ApprovalLevel: Sendable, Equatable {
        package var id: String
        package var label: String
        /// Emails of the members who approve at this level.
        package var approverEmails: [String]

        package init(id: String, label: String, approverEmails: [String]) {
            self.id = id
            self.label = label
            self.approverEmails = approverEmails
        }
    }

    package struct Page: Sendable, Equatable {
        package var id: String
        package var name: String
        /// One of linkedin, facebook, instagram, x, pinterest, youtube, tiktok, threads, googlebusiness.
        package var platform: String
        package var connected: Bool

        /// - Parameter companyName: the company's name, which the derived id includes with the platform, because
        ///   workspaces of two companies may share a name, and one brand name often names pages on several networks.
        package init(
            id: String? = nil, name: String, platform: String, connected: Bool = true, workspaceName: String = "",
            companyName: String = ""
        ) {
            self.id = id ?? Identifiers.derived("page", companyName, workspaceName, name, platform)
            self.name = name
            self.platform = platform
            self.connected = connected
        }
    }

    package struct Workspace: Sendable, Equatable {
        package var id: String
        package var name: String
        package var timezone: String
        /// NONE, OPTIONAL, REQUIRED or MULTIPLE.
        package var approvalType: String
        package var approvalLevels: [ApprovalLevel]
        /// Whether approving a post with a date schedules it for publication (Planable's auto-schedule).
        package var autoSchedule: Bool
        package var autoLock: Bool
        package var websiteURL: String?
        /// Emails of the company members who belong to the workspace; empty means every member.
        package var memberEmails: [String]
        /// Emails of the members who approve posts in NONE, OPTIONAL and REQUIRED workspaces.
        package var approverEmails: [String]
        package var pages: [Page]

        package init(
            id: String? = nil, name: String, timezone: String, approvalType: String = "NONE",
            approvalLevels: [ApprovalLevel] = [], autoSchedule: Bool = false, autoLock: Bool = false,
            websiteURL: String? = nil, memberEmails: [String] = [], approverEmails: [String] = [], pages: [Page] = [],
            companyName: String = ""
        ) {
            self.id = id ?? Identifiers.derived("workspace", companyName, name)
            self.name = name
            self.timezone = timezone
            self.approvalType = approvalType
            self.approvalLevels = approvalLevels
            self.autoSchedule = autoSchedule
            self.autoLock = autoLock
            self.websiteURL = websiteURL
            self.memberEmails = memberEmails
            self.approverEmails = approverEmails
            self.pages = pages
        }
    }

    package struct Token: Sendable, Equatable {
        /// The plaintext token; the database stores only its SHA-256 digest.
        package var token: String
        package var name: String
        /// `read` or `write`; write implies read.
        package var scope: String
        /// Names of the workspaces the token may use; nil means every workspace of the company.
        package var workspaceNames: [String]?
        /// Unix seconds after which the token is rejected; nil for a token that never expires.
        package var expiresAt: Double?
        package var revoked: Bool
        /// The email of the member who created the token; nil for the company's first team member.
        package var ownerEmail: String?

        package init(
            token: String, name: String = "seed token", scope: String = "write", workspaceNames: [String]? = nil,
            expiresAt: Double? = nil, revoked: Bool = false, ownerEmail: String? = nil
        ) {
            self.token = token
            self.name = name
            self.scope = scope
            self.workspaceNames = workspaceNames
            self.expiresAt = expiresAt
            self.revoked = revoked
            self.ownerEmail = ownerEmail
        }
    }

    package var companies: [Company]

    package init(companies: [Company]) {
        self.companies = companies
    }

    /// The demo seed used by `api: embedded`; `token` is the plaintext write token to create.
    ///
    /// Northwind Agency with the workspaces Northwind Coffee (America/New_York, OPTIONAL approval, eight connected
    /// pages) and Contoso Bakery (Europe/Berlin, REQUIRED approval, two connected pages), three members, and one
    /// write token for every workspace.
    package static func demo(token: String) -> ReferenceSeed {
        let company = "Northwind Agency"
        let coffeePages = [
            ("Northwind LinkedIn", "linkedin"), ("Northwind Facebook", "facebook"), ("Northwind X", "x"),
            ("Northwind Instagram", "instagram"), ("Northwind Pinterest", "pinterest"),
            ("Northwind YouTube", "youtube"), ("Northwind TikTok", "tiktok"), ("Northwind Threads", "threads"),
        ].map { Page(name: $0.0, platform: $0.1, workspaceName: "Northwind Coffee", companyName: company) }
        let bakeryPages = [("Contoso Facebook", "facebook"), ("Contoso Instagram", "instagram")].map {
            Page(name: $0.0, platform: $0.1, workspaceName: "Contoso Bakery", companyName: company)
        }
        let members = [
            Member(name: "Avery Quinn", email: "avery@northwind.example", membership: "team", companyName: company),
            Member(name: "Jordan Lee", email: "jordan@northwind.example", membership: "team", companyName: company),
            Member(name: "Casey Morgan", email: "casey@contoso.example", membership: "client", companyName: company),
        ]
        let workspaces = [
            Workspace(
                name: "Northwind Coffee", timezone: "America/New_York", approvalType: "OPTIONAL",
                websiteURL: "https://coffee.northwind.example",
                memberEmails: ["avery@northwind.example", "jordan@northwind.example"],
                approverEmails: ["jordan@northwind.example"], pages: coffeePages, companyName: company),
            Workspace(
                name: "Contoso Bakery", timezone: "Europe/Berlin", approvalType: "REQUIRED",
                memberEmails: ["avery@northwind.example", "jordan@northwind.example", "casey@contoso.example"],
                approverEmails: ["casey@contoso.example"], pages: bakeryPages, companyName: company),
        ]
        let tokens = [
            Token(token: token, name: "planable-sync demo", scope: "write", ownerEmail: "avery@northwind.example")
        ]
        return ReferenceSeed(
            companies: [Company(name: company, members: members, workspaces: workspaces, tokens: tokens)])
    }
}
