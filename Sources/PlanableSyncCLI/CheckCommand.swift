import Foundation
import PlanableAPI
import SyncEngine

/// `check`: validates the configuration, the token and every page it names, and sends no write.
enum CheckCommand {
    static func run(_ arguments: [String]) throws -> ExitCode {
        let parsed = try ParsedArguments(arguments)
        let configuration = try loadConfiguration(parsed)
        print("configuration \(configuration.path): valid")
        let logger = makeLogger(parsed, configuration: configuration)
        let runtime = try Runtime(configuration: configuration, logger: logger, exclusive: false)

        let ping = try runtime.client.ping()
        print("token: valid (token \(ping.tokenId), company \(ping.companyId))")
        let visible = try runtime.client.listWorkspaces().map { "\"\($0.name)\"" }
        print("token: can see workspaces \(visible.joined(separator: ", "))")
        // The API does not report a token's scope; a read-only token fails its first write with 403 FORBIDDEN.
        print("token scope: not reported by the API; sync needs write scope")
        let context = try WorkspaceResolver.resolve(configuration, client: runtime.client)
        print(
            "workspace \"\(context.workspace.name)\": found (\(context.workspace.id), time zone \(context.workspace.timezone))"
        )
        var problems = 0
        if let mismatch = try runtime.state.workspaceMismatch(context.workspace, configurationPath: configuration.path)
        {
            problems += 1
            print("state: \(mismatch.message)")
        } else {
            print("state \(configuration.statePath): belongs to this workspace or to none yet")
        }
        for page in context.pages {
            if page.isConnected {
                print("page \"\(page.name)\": found, \(page.platform), connected")
            } else {
                problems += 1
                print("page \"\(page.name)\": found, \(page.platform), NOT connected; reconnect it in Planable")
            }
        }
        _ = try Mapper(configuration: configuration, context: context)
        print("templates: valid")
        for source in configuration.sources {
            if case .directory(let path, _, _) = source.kind {
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                    print("source \"\(source.name)\": folder \(path) exists")
                } else {
                    problems += 1
                    print("source \"\(source.name)\": folder \(path) does not exist")
                }
            }
        }
        return problems == 0 ? .success : .configurationError
    }
}
