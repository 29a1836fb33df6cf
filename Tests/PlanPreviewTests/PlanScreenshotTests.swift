import Foundation
import Testing

@testable import PlanPreview

/// Renders the sample plan in headless Chromium and checks that the screenshot shows a page.
///
/// Chromium comes from the Debian package `chromium`, which `scripts/install-deps` installs when
/// `PLANABLE_SYNC_TEST_EXTRAS=1`. Without it the test is skipped and reported as skipped. With
/// `PLANABLE_SYNC_PREVIEW_PNG=PATH` set, the screenshot is also copied to PATH.
@Suite struct PlanScreenshotTests {
    static let chromium: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    private struct PNGHeader {
        var width: Int
        var height: Int
    }

    private static func pngHeader(_ data: Data) -> PNGHeader? {
        let bytes = [UInt8](data.prefix(24))
        guard bytes.count == 24, bytes[0..<8] == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A],
            bytes[12..<16] == [0x49, 0x48, 0x44, 0x52]
        else { return nil }
        func integer(_ offset: Int) -> Int {
            bytes[offset..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) }
        }
        return PNGHeader(width: integer(16), height: integer(20))
    }

    /// Runs Chromium on `page` and returns the screenshot's bytes.
    private static func screenshot(of page: URL, in folder: URL, name: String) throws -> Data {
        let output = folder.appendingPathComponent("\(name).png")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(chromium))
        process.arguments = [
            "--headless", "--disable-gpu", "--no-sandbox", "--hide-scrollbars", "--no-first-run",
            "--user-data-dir=\(folder.appendingPathComponent("profile-\(name)").path)",
            "--screenshot=\(output.path)", "--window-size=1200,1600", page.absoluteString,
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(120)
        while process.isRunning, Date() < deadline {
            Thread.sleep(forTimeInterval: 0.1)
        }
        if process.isRunning {
            process.terminate()
            Issue.record("chromium did not finish within 120 seconds")
        }
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "chromium exited with status \(process.terminationStatus)")
        return try Data(contentsOf: output)
    }

    @Test(.enabled(if: chromium != nil, "the Debian package chromium is not installed"))
    func screenshotShowsThePlan() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("plan-preview-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }

        let page = folder.appendingPathComponent("plan.html")
        try PlanHTMLRenderer.render(PlanHTMLRendererTests.samplePlan()).write(
            to: page, atomically: true, encoding: .utf8)
        let blank = folder.appendingPathComponent("blank.html")
        try "<!DOCTYPE html><html><body></body></html>".write(to: blank, atomically: true, encoding: .utf8)

        let planPNG = try Self.screenshot(of: page, in: folder, name: "plan")
        let blankPNG = try Self.screenshot(of: blank, in: folder, name: "blank")
        let header = try #require(Self.pngHeader(planPNG), "the screenshot is not a PNG file")
        #expect(header.width == 1200)
        #expect(header.height == 1600)
        // A blank page compresses to a few kilobytes; text, cards and gradients take far more.
        #expect(planPNG.count > 50_000, "screenshot is \(planPNG.count) bytes")
        #expect(planPNG.count > blankPNG.count * 10, "plan \(planPNG.count) bytes, blank page \(blankPNG.count) bytes")
        print("plan preview screenshot: \(planPNG.count) bytes; blank page: \(blankPNG.count) bytes")

        if let copy = ProcessInfo.processInfo.environment["PLANABLE_SYNC_PREVIEW_PNG"] {
            try planPNG.write(to: URL(fileURLWithPath: copy))
        }
    }
}
