import Foundation
import Testing

@testable import Feeds

/// Runs the parser over feedparser's own test feeds and checks each fixture's `Expect:` line on the fields the
/// product uses.
@Suite struct FeedparserConformanceTests {
    static let folders = [
        "wellformed/rss", "wellformed/atom", "wellformed/atom10", "wellformed/rdf", "wellformed/base",
        "wellformed/amp", "wellformed/media-rss", "encoding", "illformed", "json",
    ]

    static var fixtureRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures/feedparser")
    }

    enum Outcome {
        case passed
        case failed(String)
        case leftOut(String)
    }

    /// Reads the fixture's header fields: the `Expect:` expression and the HTTP `Content-Type`, if any.
    static func header(of data: [UInt8]) -> (expect: String?, contentType: String?, contentLocation: String?) {
        // UTF-16 and UTF-32 fixtures keep their header in ASCII characters, so dropping NUL bytes reads it.
        let ascii = data.prefix(8192).filter { $0 != 0 && $0 < 0x80 }
        var text = String(decoding: ascii, as: UTF8.self)
        // The JSON fixture keeps its header in a "__TEST__" string.
        if let object = try? JSONSerialization.jsonObject(with: Data(data)) as? [String: Any],
            let test = object["__TEST__"] as? String
        {
            text = test.replacingOccurrences(of: "Expect:", with: "\nExpect:")
        }
        var expect: String?
        var contentType: String?
        var contentLocation: String?
        for line in text.split(whereSeparator: \.isNewline) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if let range = trimmed.range(of: "Expect:") {
                var value = String(trimmed[range.upperBound...])
                if let end = value.range(of: "-->") { value = String(value[..<end.lowerBound]) }
                expect = expect ?? value.trimmingCharacters(in: .whitespaces)
            } else if trimmed.hasPrefix("Header:"),
                let colon = trimmed.range(of: "Content-type:", options: .caseInsensitive)
            {
                contentType = String(trimmed[colon.upperBound...]).trimmingCharacters(in: .whitespaces)
            } else if trimmed.hasPrefix("Header:"),
                let colon = trimmed.range(of: "Content-Location:", options: .caseInsensitive)
            {
                contentLocation = String(trimmed[colon.upperBound...]).trimmingCharacters(in: .whitespaces)
            }
        }
        return (expect, contentType, contentLocation)
    }

    static func run(_ relativePath: String) -> Outcome {
        let file = fixtureRoot.appendingPathComponent(relativePath)
        guard let contents = FileManager.default.contents(atPath: file.path) else { return .failed("unreadable") }
        let data = Array(contents)
        let (expect, contentType, contentLocation) = header(of: data)
        guard let expect else { return .leftOut("no Expect: line") }
        let expression: PythonExpression
        do {
            expression = try PythonExpressionParser.parse(expect)
        } catch {
            return .leftOut("the expression is outside the evaluated subset: \(error)")
        }
        // feedparser's suite serves files named http_* over HTTP from 127.0.0.1:8097 and reads the others locally.
        let name = file.lastPathComponent
        // A Content-Location header names the document's own URL (RFC 9110 section 8.7).
        let requestURL = "http://127.0.0.1:8097/tests/\(relativePath)"
        let url =
            name.hasPrefix("http_")
            ? contentLocation.map { URLResolver.resolve($0, against: requestURL) } ?? requestURL : nil
        let feed: Feed
        do {
            feed = try FeedParser.parse(data, url: url, contentType: contentType)
        } catch {
            feed = Feed(isIllFormed: true, illFormedReason: "\(error)")
        }
        do {
            return try FeedparserExpectation(feed: feed).evaluate(expression) ? .passed : .failed(expect)
        } catch let error as NotApplicable {
            return .leftOut(error.reason)
        } catch let error as EvaluationFailure {
            return .failed("\(expect) (\(error.reason))")
        } catch {
            return .failed("\(error)")
        }
    }

    static func fixtures() -> [String] {
        var paths: [String] = []
        for folder in folders {
            let root = fixtureRoot.appendingPathComponent(folder)
            guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else {
                continue
            }
            for case let file as URL in walker where ["xml", "json"].contains(file.pathExtension) {
                paths.append(folder + "/" + file.path.dropFirst(root.path.count + 1))
            }
        }
        return paths.sorted()
    }

    @Test func corpusMatchesExpectations() throws {
        let paths = Self.fixtures()
        #expect(paths.count > 900, "the fixture folders are missing from \(Self.fixtureRoot.path)")
        var passed = 0
        var failures: [(String, String)] = []
        var leftOut: [(String, String)] = []
        for path in paths {
            switch Self.run(path) {
            case .passed: passed += 1
            case .failed(let detail): failures.append((path, detail))
            case .leftOut(let reason): leftOut.append((path, reason))
            }
        }
        let applicable = passed + failures.count
        var report = "feedparser conformance: \(passed) of \(applicable) applicable fixtures pass; "
        report += "\(leftOut.count) of \(paths.count) left out\n"
        for (path, reason) in leftOut { report += "  left out \(path): \(reason)\n" }
        for (path, detail) in failures { report += "  FAILED \(path): \(detail)\n" }
        print(report)
        let unexpected = failures.filter { KnownFailures.reasons[$0.0] == nil }
        #expect(unexpected.isEmpty, "fixtures failing: \(unexpected.map(\.0))")
        let fixed = KnownFailures.reasons.keys.filter { key in !failures.contains { $0.0 == key } }
        #expect(fixed.isEmpty, "known failures that now pass or are left out; remove them from KnownFailures: \(fixed)")
    }
}
