import Foundation

/// Where a video job's drawn frames go: straight into the encoder on the drawing thread (the serial
/// reference), or through `BackgroundEncoder` to an encoder on its own thread. Both append the same frames in
/// the same order to an encoder with the same settings, so the bytes written are the same.
public protocol FrameSink: AnyObject {
    /// Appends a drawn frame (BGRA rows `bytesPerRow` apart); `pixels` is only read during the call.
    func append(_ pixels: UnsafeRawBufferPointer, bytesPerRow: Int) throws
    /// Appends the last frame again (the drawing did not change).
    func repeatLast() throws
    /// Waits for every frame to be encoded, then finishes the file. - Returns: frames in the file.
    func finish() throws -> Int
    /// Stops, drops what was not encoded and removes the temporary file.
    func cancel()
    /// Seconds spent encoding so far (colour conversion and the encoder), on whichever thread did it.
    var encodingSeconds: Double { get }
    /// Most frames held in buffers for the encoder at once (0 when the caller's thread encodes).
    var peakBuffered: Int { get }
    /// The encoder's `VideoEncoder.inputFingerprint`; read it after `finish()`.
    var inputFingerprint: UInt64 { get }
}

/// The serial reference: every frame is encoded on the caller's thread before the next is drawn.
public final class DirectFrameSink: FrameSink {
    private let encoder: VideoEncoder
    private var last: [UInt8] = []
    private var lastStride = 0
    public private(set) var encodingSeconds = 0.0
    public let peakBuffered = 0

    public init(encoder: VideoEncoder) { self.encoder = encoder }

    public var inputFingerprint: UInt64 { encoder.inputFingerprint }

    public func append(_ pixels: UnsafeRawBufferPointer, bytesPerRow: Int) throws {
        let start = DispatchTime.now().uptimeNanoseconds
        try encoder.append(pixels, layout: .bgra, bytesPerRow: bytesPerRow)
        encodingSeconds += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        last = Array(pixels)
        lastStride = bytesPerRow
    }

    public func repeatLast() throws {
        let (frame, stride) = (last, lastStride)
        try frame.withUnsafeBytes { try append($0, bytesPerRow: stride) }
    }

    public func finish() throws -> Int {
        let start = DispatchTime.now().uptimeNanoseconds
        try encoder.finish()
        encodingSeconds += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return encoder.frameCount
    }

    public func cancel() { encoder.cancel() }
}

/// Encodes on a thread of its own while the caller draws the next frames.
///
/// The caller copies each drawn frame into one of `slots` fixed buffers and queues it; the encoder thread appends
/// the queued frames in order and hands each buffer back once it is appended; a repeated frame is
/// `VideoEncoder.appendRepeat`, no copy at all. The caller waits when every buffer is in use, so memory is bounded by `slots` frames
/// however long the video, and the drawing runs at most `slots - 1` frames ahead of the encoder.
public final class BackgroundEncoder: FrameSink, @unchecked Sendable {
    private enum Item { case frame(slot: Int), repeatLast }

    private let encoder: VideoEncoder
    private let condition = NSCondition()
    private let buffers: [UnsafeMutableRawBufferPointer]
    private let rowBytes: Int, height: Int
    private var free: [Int]
    private var queue: [Item] = []
    private var queueLimit: Int
    private var failure: (any Error)?
    private var closed = false, stopped = false, exited = false
    private var busySeconds = 0.0
    private var mostInUse = 0

    /// Starts the encoder thread. - Parameter slots: frame buffers (at least 2: one encoded while one is filled).
    public init(encoder: VideoEncoder, slots: Int = 4) {
        self.encoder = encoder
        rowBytes = encoder.width * 4
        height = encoder.height
        let count = max(2, slots)
        buffers = (0..<count).map { _ in
            UnsafeMutableRawBufferPointer.allocate(byteCount: encoder.width * encoder.height * 4, alignment: 64)
        }
        free = Array(0..<count)
        queueLimit = 4 * count
        Thread.detachNewThread { [self] in encodeLoop() }
    }

    deinit { for buffer in buffers { buffer.deallocate() } }

    public var encodingSeconds: Double {
        condition.lock()
        defer { condition.unlock() }
        return busySeconds
    }

    public var peakBuffered: Int {
        condition.lock()
        defer { condition.unlock() }
        return mostInUse
    }

    /// Read after `finish()`: the encoder thread has exited then and no longer touches the encoder.
    public var inputFingerprint: UInt64 {
        condition.lock()
        defer { condition.unlock() }
        return exited ? encoder.inputFingerprint : 0
    }

    public func append(_ pixels: UnsafeRawBufferPointer, bytesPerRow: Int) throws {
        condition.lock()
        while free.isEmpty || queue.count >= queueLimit, failure == nil, !exited { condition.wait() }
        if let failure { condition.unlock(); throw failure }
        guard !exited, !free.isEmpty else { condition.unlock(); throw VideoEncodingError.encoderClosed(path: encoder.path) }
        let slot = free.removeLast()
        mostInUse = max(mostInUse, buffers.count - free.count)
        condition.unlock()
        let buffer = buffers[slot]
        for y in 0..<height {
            (buffer.baseAddress! + y * rowBytes).copyMemory(from: pixels.baseAddress! + y * bytesPerRow, byteCount: rowBytes)
        }
        enqueue(.frame(slot: slot))
    }

    public func repeatLast() throws {
        condition.lock()
        while queue.count >= queueLimit, failure == nil, !exited { condition.wait() }
        if let failure { condition.unlock(); throw failure }
        condition.unlock()
        enqueue(.repeatLast)
    }

    private func enqueue(_ item: Item) {
        condition.lock()
        queue.append(item)
        condition.broadcast()
        condition.unlock()
    }

    public func finish() throws -> Int {
        condition.lock()
        closed = true
        condition.broadcast()
        while !exited { condition.wait() }
        let failure = self.failure
        condition.unlock()
        if let failure { throw failure }
        let start = DispatchTime.now().uptimeNanoseconds
        try encoder.finish()
        condition.lock()
        busySeconds += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        condition.unlock()
        return encoder.frameCount
    }

    public func cancel() {
        condition.lock()
        stopped = true
        condition.broadcast()
        while !exited { condition.wait() }
        condition.unlock()
        encoder.cancel()
    }

    private func encodeLoop() {
        while true {
            condition.lock()
            while queue.isEmpty, !closed, !stopped { condition.wait() }
            if stopped || queue.isEmpty {
                exited = true
                condition.broadcast()
                condition.unlock()
                return
            }
            let item = queue.removeFirst()
            condition.broadcast()
            condition.unlock()
            let start = DispatchTime.now().uptimeNanoseconds
            var released: Int?
            do {
                switch item {
                case let .frame(slot):
                    try encoder.append(UnsafeRawBufferPointer(buffers[slot]), layout: .bgra, bytesPerRow: rowBytes)
                    released = slot
                case .repeatLast:
                    try encoder.appendRepeat()
                }
            } catch {
                condition.lock()
                if failure == nil { failure = error }
                exited = true
                condition.broadcast()
                condition.unlock()
                return
            }
            condition.lock()
            busySeconds += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            if let released { free.append(released) }
            condition.broadcast()
            condition.unlock()
        }
    }
}
