import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Closes a connection that is slow to say what it wants (#13, slow-loris): the request's
/// headers must be complete within `headerTimeout` of the connection opening or of the previous
/// response, and a request body may pause at most `bodyIdleTimeout` between chunks. An idle
/// keep-alive connection is therefore closed after `headerTimeout` too. While the app works on a
/// request, and while a response streams (the live day view), no deadline runs.
final class RequestDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    let headerTimeout: TimeAmount
    let bodyIdleTimeout: TimeAmount
    var deadline: Scheduled<Void>?

    init(headerTimeout: TimeAmount, bodyIdleTimeout: TimeAmount) {
        self.headerTimeout = headerTimeout
        self.bodyIdleTimeout = bodyIdleTimeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(headerTimeout, context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(headerTimeout, context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancel()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancel()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head, .body: arm(bodyIdleTimeout, context: context)
        case .end: cancel()
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { arm(headerTimeout, context: context) }
        context.write(data, promise: promise)
    }

    func arm(_ timeout: TimeAmount, context: ChannelHandlerContext) {
        cancel()
        let channel = context.channel
        deadline = context.eventLoop.scheduleTask(in: timeout) {
            channel.close(promise: nil)
        }
    }

    func cancel() {
        deadline?.cancel()
        deadline = nil
    }
}
