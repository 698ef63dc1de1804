package synth

import (
	"math"
	"math/rand/v2"
	"strings"
)

// Texts for messages and dialog titles, for search to have something like a
// support team's language to work on: half the messages Russian, half
// English, words in their inflected forms, a few words common and most rare
// (the i-th word of a list is drawn about as often as 1/(i+1)^0.9 of the
// first, by inverse transform sampling). Deterministic for a seed.

var englishWords = strings.Fields(`the order my please refund payment delivery account help thanks
	when where question problem issue card error login password change cancel return item package
	shipping address invoice receipt charged twice money back support manager price discount coupon
	subscription renewal tracking number courier delayed broken damaged missing wrong size colour
	replacement exchange warranty repair battery screen charger cable headphones laptop phone tablet
	refunded refunds ordered orders paid paying payments delivered deliveries cancelled cancelling
	returned returns accounts passwords invoices receipts discounts coupons subscriptions trackers
	couriers replaced exchanges warranties repaired batteries screens chargers cables kettle blender
	toaster vacuum cleaner heater fan lamp mirror sofa chair table wardrobe mattress pillow blanket
	curtain carpet bicycle helmet scooter stroller backpack suitcase umbrella jacket sneakers boots
	invoice-number verification confirmation notification unsubscribe newsletter promotion voucher
	gift certificate loyalty points bonus cashback installment credit debit transfer wallet crypto`)

var russianWords = strings.Fields(`заказ заказа заказу заказы оплата оплаты оплату оплатил оплатила
	доставка доставки доставку доставили возврат возврата вернуть верните деньги денег карта карты
	картой списали дважды ошибка ошибки вход пароль пароля изменить отменить отмена отмены товар
	товара товары посылка посылки адрес адреса счёт счета чек чека поддержка поддержки менеджер
	цена цены скидка скидки купон промокод подписка подписки продление номер курьер курьера задержка
	задерживается сломан сломанный повреждён повреждённый пропал неправильный размер цвет замена
	обмен гарантия гарантии ремонт батарея экран зарядка кабель наушники ноутбук телефон планшет
	чайник блендер тостер пылесос обогреватель вентилятор лампа зеркало диван стул стол шкаф матрас
	подушка одеяло штора ковёр велосипед шлем самокат коляска рюкзак чемодан зонт куртка кроссовки
	ботинки ёлка ёлки ёжик подтверждение уведомление рассылка акция ваучер подарочный сертификат
	бонусы кэшбэк рассрочка кредит перевод кошелёк здравствуйте спасибо пожалуйста когда где почему`)

// zipf draws an index below n, small ones far more often.
func zipf(rng *rand.Rand, n int) int {
	// The inverse of a continuous power law with exponent 0.9 on [1, n+1).
	const s = 0.9
	hi := math.Pow(float64(n+1), 1-s)
	x := math.Pow(1+rng.Float64()*(hi-1), 1/(1-s))
	return min(int(x)-1, n-1)
}

// sentence returns words words of one language, the first capitalised.
func sentence(rng *rand.Rand, words int) string {
	list := englishWords
	if rng.IntN(2) == 0 {
		list = russianWords
	}
	out := make([]string, words)
	for i := range out {
		out[i] = list[zipf(rng, len(list))]
	}
	r := []rune(out[0])
	out[0] = strings.ToUpper(string(r[0])) + string(r[1:])
	return strings.Join(out, " ")
}

// messageText is a message of 4 to 15 words.
func messageText(rng *rand.Rand) string { return sentence(rng, 4+rng.IntN(12)) + "." }

// dialogTitle is a title of 2 to 4 words.
func dialogTitle(rng *rand.Rand) string { return sentence(rng, 2+rng.IntN(3)) }
