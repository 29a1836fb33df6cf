import Foundation
import Synchronization

/// Faults injected into API operations: added latency, 5xx answers, dropped connections, and writes that are
/// committed but whose answer is never sent.
///
/// A rule applies to one operation key (`POST /posts`) or to every operation (`*`), either to the next `count`
/// matching requests or to each request with `probability`.
final class FaultInjector: Sendable {
    enum Kind: String, Sendable {
        case latency, error, drop, commitWithoutAnswer = "commit-without-answer"
    }

    struct Rule: Sendable {
        var id: String
        var operation: String
        var kind: Kind
        /// Added delay for `latency`, in seconds.
        var latencySeconds: Double
        /// The answer status for `error`, 500 to 599.
        var status: Int
        var probability: Double?
        /// Requests left for a counted rule; nil for a probability rule.
        var remaining: Int?
        var applied: Int = 0

        /// The rule as the controls list it, with `latencyMs` for a latency rule only and `status` for an error
        /// rule only, as a new rule takes them.
        var json: JSONValue {
            var fields: [(String, JSONValue)] = [
                ("id", .string(id)), ("operation", .string(operation)), ("kind", .string(kind.rawValue)),
            ]
            switch kind {
            case .latency: fields.append(("latencyMs", .integer(Int(latencySeconds * 1000))))
            case .error: fields.append(("status", .integer(status)))
            case .drop, .commitWithoutAnswer: break
            }
            fields += [
                ("probability", probability.map { .number($0) } ?? .null),
                ("remaining", remaining.map { .integer($0) } ?? .null), ("applied", .integer(applied)),
            ]
            return .object(fields)
        }
    }

    enum Action: Sendable {
        case none, failWith(Int), dropConnection, commitWithoutAnswer
    }

    struct Decision: Sendable {
        var latency: Double?
        var action: Action = .none
    }

    private let rules = LockedValue<[Rule]>([])
    /// The number of rules, kept in step with `rules` under its lock, so that a request with no rule to apply
    /// takes no lock.
    private let ruleCount = Atomic<Int>(0)
    private let random = LockedValue<RandomSource>(RandomSource(seed: 0x5EED))

    func add(_ rule: Rule) {
        rules.withLock { rules in
            rules.append(rule)
            ruleCount.store(rules.count, ordering: .releasing)
        }
    }

    func list() -> [Rule] {
        rules.withLock { $0 }
    }

    func clear() {
        rules.withLock { rules in
            rules.removeAll()
            ruleCount.store(0, ordering: .releasing)
        }
    }

    /// Seeds the generator that probability rules draw from, so a test run repeats.
    func seed(_ value: UInt64) {
        random.withLock { $0 = RandomSource(seed: value) }
    }

    /// Draws the faults for one request of `operationKey`, using up counted rules.
    func decide(operationKey: String) -> Decision {
        guard ruleCount.load(ordering: .acquiring) > 0 else { return Decision() }
        return rules.withLock { rules in
            var decision = Decision()
            for index in rules.indices where rules[index].operation == operationKey || rules[index].operation == "*" {
                var rule = rules[index]
                if let remaining = rule.remaining {
                    guard remaining > 0 else { continue }
                    rule.remaining = remaining - 1
                } else if let probability = rule.probability {
                    let draw = random.withLock { $0.nextUnit() }
                    guard draw < probability else { continue }
                }
                rule.applied += 1
                rules[index] = rule
                switch rule.kind {
                case .latency:
                    decision.latency = (decision.latency ?? 0) + rule.latencySeconds
                case .error:
                    if case .none = decision.action { decision.action = .failWith(rule.status) }
                case .drop:
                    if case .none = decision.action { decision.action = .dropConnection }
                case .commitWithoutAnswer:
                    if case .none = decision.action { decision.action = .commitWithoutAnswer }
                }
            }
            rules.removeAll { $0.remaining == 0 }
            ruleCount.store(rules.count, ordering: .releasing)
            return decision
        }
    }
}

/// SplitMix64, a small seeded generator.
struct RandomSource: Sendable {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func nextUnit() -> Double {
        Double(next() >> 11) / Double(UInt64(1) << 53)
    }
}
