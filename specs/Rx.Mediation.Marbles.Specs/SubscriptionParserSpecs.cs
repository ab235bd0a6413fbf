using static Rx.Mediation.Marbles.Specs.N;

namespace Rx.Mediation.Marbles.Specs;

public class SubscriptionParserSpecs
{
    [Fact]
    public void Caret_and_bang_give_subscription_and_unsubscription_times()
    {
        MarbleParser.ParseSubscription("--^---!").ShouldBe(new SubscriptionLog(Ms(2), Ms(6)));
    }

    [Fact]
    public void Without_bang_the_subscription_never_ends()
    {
        MarbleParser.ParseSubscription("-^--").ShouldBe(new SubscriptionLog(Ms(1), null));
    }

    [Fact]
    public void Without_caret_the_subscription_starts_at_zero()
    {
        MarbleParser.ParseSubscription("----!").ShouldBe(new SubscriptionLog(0, Ms(4)));
        MarbleParser.ParseSubscription("").ShouldBe(new SubscriptionLog(0, null));
    }

    [Fact]
    public void Group_subscribes_and_unsubscribes_in_the_same_frame()
    {
        MarbleParser.ParseSubscription("--(^!)").ShouldBe(new SubscriptionLog(Ms(2), Ms(2)));
    }

    [Fact]
    public void Spaces_and_time_progressions_are_supported()
    {
        MarbleParser.ParseSubscription("  ^ 1s !").ShouldBe(new SubscriptionLog(0, Ms(1001)));
        MarbleParser.ParseSubscription("1.5ms ^-!").ShouldBe(new SubscriptionLog(Ms(1.5), Ms(3.5)));
    }
}
