import PlanableAPI
import SyncEngine

/// The checks of `check` that need the API, after the token, in the order they run. An error that ends them
/// leaves the rest unchecked, and each of those then gets a line that states so, with the reason, instead of no
/// line.
struct APIChecks {
    enum Step: CaseIterable {
        case workspace, state, pages, labels, campaigns
    }

    private let configuration: Configuration
    /// The steps not started yet.
    private var pending: [Step]

    /// Lists the steps that `configuration` needs: labels and campaigns only when a rule names some.
    init(_ configuration: Configuration) {
        self.configuration = configuration
        pending = Step.allCases.filter { step in
            switch step {
            case .labels: configuration.rules.contains { !$0.labels.isEmpty }
            case .campaigns: configuration.rules.contains { $0.campaign != nil }
            default: true
            }
        }
    }

    /// Marks `step` as started, so that its own line or error reports it.
    mutating func start(_ step: Step) {
        pending.removeAll { $0 == step }
    }

    /// Prints a line for each step not started, with `reason`, which completes "because".
    mutating func skipRemaining(because reason: String) {
        for step in pending {
            print("\(subject(step)): not checked\(step == .state ? " against the workspace" : ""), because \(reason)")
        }
        pending = []
    }

    /// Prints a line for each step not started, with the reason that `error` kept it from running.
    mutating func skipRemaining(after error: any Error) {
        skipRemaining(because: Self.reason(error))
    }

    /// Returns the step's name as the line of a completed check starts with it.
    private func subject(_ step: Step) -> String {
        switch step {
        case .workspace: "workspace \"\(configuration.workspace)\""
        case .state: "state \(configuration.statePath)"
        case .pages: "pages"
        case .labels: "labels"
        case .campaigns: "campaigns"
        }
    }

    /// Returns why `error` keeps the API checks from running, in words that complete "because".
    static func reason(_ error: any Error) -> String {
        switch error {
        case let rejected as TokenRejectedError:
            return reason(rejected.error)
        case let error as PlanableAPIError:
            switch error {
            case .transport: return "the API could not be reached"
            case .invalidResponse: return "the API returned an invalid response"
            case .api(let status, _, _, _, _) where status == 401 || status == 403: return "the API rejected the token"
            case .api(let status, _, _, _, _): return "an API request failed with \(status)"
            case .cancelled: return "the check was stopped"
            }
        case let error as MappingError where error.isConfigurationError:
            return "the API token could not be read"
        default:
            return "of the error above"
        }
    }
}
