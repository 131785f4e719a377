// The chat surface's sentences, Korean and English. Keys are stable; `{name}` takes a parameter.
import type { Locale } from './catalog.js';

const messages = {
  // commands and help
  'help.title': { ko: 'OrderMate 명령어', en: 'OrderMate commands' },
  'help.footer': {
    ko: '주문일련번호는 `1001,1002 1005-1010`처럼 쓸 수 있습니다. 각 명령 뒤에 `help`를 붙이면 설명이 나옵니다.',
    en: 'Serials can be written like `1001,1002 1005-1010`. Add `help` after any command for its usage.',
  },
  'cmd.summary': {
    ko: '팀 현황: 단계·채널별 건수, 비매칭, 보류, 승인 대기',
    en: 'team summary: counts per stage and channel, unmatched, held, pending approvals',
  },
  'cmd.list': {
    ko: '주문서 목록 (선택 후 일괄 처리)',
    en: 'a page of orders, with bulk actions on the checked ones',
  },
  'cmd.show': {
    ko: '주문서 상세 (클레임, 메시지, 이력)',
    en: "one order's detail with claims, messages and history",
  },
  'cmd.add': { ko: '주문서 수기 등록 (상품 1개)', en: 'add an order by hand (one product)' },
  'cmd.hold': { ko: '출고보류 (사유 필수)', en: 'hold orders from shipping (reason required)' },
  'cmd.release': { ko: '출고보류 해제', en: 'release held orders back to intake' },
  'cmd.delete': { ko: '주문서 삭제 (사유 필수)', en: 'delete orders (reason required)' },
  'cmd.claim': { ko: '클레임 등록 (취소/반품/교환)', en: 'file a claim (cancel / return / exchange)' },
  'cmd.next': {
    ko: '다음 단계(주문서처리)로 이동; 번호 없이 쓰면 채널 일괄',
    en: 'move to processing; without serials, a whole channel batch',
  },
  'cmd.edit': {
    ko: '배송 정보 수정 (쇼핑몰에는 전송되지 않음)',
    en: 'edit delivery details (not sent to the mall)',
  },
  'cmd.msg': { ko: '주문서에 메시지 남기기', en: 'leave a message on an order' },
  'cmd.cs': { ko: '주문서에 CS 메모 남기기', en: 'add a CS note to an order' },
  'cmd.role': { ko: '역할 지정 (관리자)', en: 'give a role (admins)' },
  'cmd.approve': { ko: '승인 요청 승인 (승인권자)', en: 'approve a request (approvers)' },
  'cmd.reject': { ko: '승인 요청 반려 (사유 필수)', en: 'reject a request (reason required)' },
  'cmd.approvals': { ko: '승인 대기 중인 요청', en: 'pending approval requests' },
  'cmd.history': { ko: '주문수집 내역', en: 'collection history' },
  'cmd.collect': { ko: '쇼핑몰 주문수집', en: 'collect orders from malls' },
  'cmd.unmatched': { ko: '비매칭 주문 매칭', en: 'match unmatched orders' },
  'cmd.upload': { ko: '엑셀 주문서 업로드', en: 'upload a mall Excel file' },
  'cmd.export': { ko: '엑셀 다운로드 (사유 필수)', en: 'export orders to Excel (reason required)' },
  'cmd.columns': { ko: '항목설정', en: 'column settings' },
  'cmd.help': { ko: '도움말', en: 'help' },
  'cmd.usage': { ko: '사용법: `{usage}`', en: 'usage: `{usage}`' },
  'cmd.unknown': {
    ko: '`{name}` 명령을 모르겠습니다. `/orders help`를 입력해 보세요.',
    en: "I don't know `{name}`. Try `/orders help`.",
  },
  'cmd.notYet': { ko: '`{name}` 기능은 아직 준비 중입니다.', en: '`{name}` is not available yet.' },
  'cmd.badSerials': {
    ko: '주문일련번호를 읽을 수 없습니다: `{token}`',
    en: 'cannot read the serials: `{token}`',
  },
  'cmd.needSerials': {
    ko: '주문일련번호를 입력하세요. 예: `{example}`',
    en: 'give the serials, e.g. `{example}`',
  },
  'cmd.badRole': {
    ko: '역할은 viewer, operator, approver, admin 중 하나입니다',
    en: 'the role is one of viewer, operator, approver, admin',
  },
  'cmd.badUser': { ko: '사용자를 @멘션으로 지정하세요', en: 'name the user with an @mention' },
  'cmd.roleSet': { ko: '{user}님의 역할: {role}', en: '{user} now has the role {role}' },
  'cmd.noteAdded': {
    ko: '{serial}번 주문서에 {kind}를 남겼습니다.',
    en: 'Added a {kind} to order {serial}.',
  },
  'cmd.needText': { ko: '내용을 입력하세요', en: 'write the text too' },
  'kind.message': { ko: '메시지', en: 'message' },
  'kind.cs': { ko: 'CS 메모', en: 'CS note' },

  // summary
  'summary.title': { ko: '주문 현황', en: 'Order desk' },
  'summary.pending': { ko: '승인 대기 {n}건', en: '{n} pending approvals' },
  'summary.channels': { ko: '채널별', en: 'By channel' },
  'summary.empty': { ko: '아직 주문서가 없습니다.', en: 'No orders yet.' },
  'summary.openIntake': { ko: '주문관리 목록', en: 'Intake list' },
  'summary.openUnmatched': { ko: '비매칭', en: 'Unmatched' },
  'summary.openHeld': { ko: '출고보류', en: 'Held' },

  // list
  'list.title': { ko: '주문서 {stage}', en: 'Orders — {stage}' },
  'list.all': { ko: '전체', en: 'all' },
  'list.empty': { ko: '조건에 맞는 주문서가 없습니다.', en: 'No orders match.' },
  'list.page': {
    ko: '{from}–{to}번째 · 체크한 주문서에 아래 버튼이 적용됩니다',
    en: 'rows {from}–{to} · the buttons act on the checked orders',
  },
  'list.more': { ko: '다음 페이지', en: 'Next page' },
  'list.first': { ko: '처음으로', en: 'First page' },
  'list.noneChecked': { ko: '먼저 주문서를 체크하세요.', en: 'Check some orders first.' },
  'list.filter': { ko: '필터: {filter}', en: 'filter: {filter}' },
  'list.cs': { ko: 'CS 있음', en: 'with CS notes' },
  'btn.next': { ko: '다음단계', en: 'Next step' },
  'btn.hold': { ko: '출고보류', en: 'Hold' },
  'btn.claim': { ko: '클레임', en: 'Claim' },
  'btn.delete': { ko: '삭제', en: 'Delete' },
  'btn.release': { ko: '보류해제', en: 'Release' },
  'menu.claim': { ko: '클레임 생성', en: 'File a claim' },
  'menu.next': { ko: '다음단계로 이동 (합포장)', en: 'Next step (packing group)' },
  'menu.hold': { ko: '출고 보류 (합포장)', en: 'Hold (packing group)' },
  'menu.edit': { ko: '주문 수정', en: 'Edit delivery' },
  'menu.delete': { ko: '주문 삭제', en: 'Delete' },
  'menu.detail': { ko: '주문 상세', en: 'Detail' },
  'menu.message': { ko: '메시지', en: 'Messages' },

  // detail
  'detail.title': { ko: '주문서 {serial}', en: 'Order {serial}' },
  'detail.stage': { ko: '단계', en: 'Stage' },
  'detail.channel': { ko: '판매채널', en: 'Channel' },
  'detail.mallOrder': { ko: '쇼핑몰 주문번호', en: 'Mall order no.' },
  'detail.product': { ko: '상품', en: 'Product' },
  'detail.quantity': { ko: '수량', en: 'Quantity' },
  'detail.amount': { ko: '금액', en: 'Amount' },
  'detail.orderer': { ko: '주문자', en: 'Orderer' },
  'detail.recipient': { ko: '수취인', en: 'Recipient' },
  'detail.address': { ko: '배송지', en: 'Address' },
  'detail.message': { ko: '배송메시지', en: 'Delivery message' },
  'detail.badges': { ko: '이슈', en: 'Badges' },
  'detail.holdReason': { ko: '보류 사유', en: 'Hold reason' },
  'detail.deleteReason': { ko: '삭제 사유', en: 'Delete reason' },
  'detail.edited': {
    ko: '배송 정보가 OrderMate에서 수정됨 (쇼핑몰 미전송)',
    en: 'delivery details edited here (not sent to the mall)',
  },
  'detail.claims': { ko: '클레임', en: 'Claims' },
  'detail.messages': { ko: '메시지', en: 'Messages' },
  'detail.csNotes': { ko: 'CS', en: 'CS notes' },
  'detail.history': { ko: '이력', en: 'History' },
  'detail.none': { ko: '없음', en: 'none' },
  'detail.unmatchedProduct': { ko: '미매칭: {name}', en: 'unmatched: {name}' },
  'detail.closed.delivered': { ko: '배송완료', en: 'delivered' },
  'detail.closed.cancelled': { ko: '취소', en: 'cancelled' },

  // results
  'result.hold': { ko: '출고보류 {n}건', en: 'Held {n}' },
  'result.release': { ko: '보류해제 {n}건', en: 'Released {n}' },
  'result.delete': { ko: '삭제 {n}건', en: 'Deleted {n}' },
  'result.restore': { ko: '복구 {n}건', en: 'Restored {n}' },
  'result.claim': { ko: '클레임 등록 {n}건', en: 'Claims filed for {n}' },
  'result.next': { ko: '주문서처리로 이동 {n}건', en: 'Moved to processing: {n}' },
  'result.batch_next': { ko: '일괄 주문서처리로 이동 {n}건', en: 'Batch moved to processing: {n}' },
  'result.edit': { ko: '배송 정보 수정 {n}건', en: 'Delivery edited: {n}' },
  'result.refused': { ko: '처리하지 못한 {n}건', en: 'Refused {n}' },
  'result.gifts': {
    ko: '함께 삭제된 사은품 주문서: {serials}',
    en: 'Gift orders removed with them: {serials}',
  },
  'result.packing': {
    ko: '합포장 기준으로 함께 처리: {serials}',
    en: 'Came along by packing group: {serials}',
  },
  'result.added': {
    ko: '주문서 {serial}번을 등록했습니다 ({stage}).',
    en: 'Added order {serial} ({stage}).',
  },
  'result.addedGifts': {
    ko: '사은품 주문서 {serials}번이 함께 생성되었습니다.',
    en: 'Gift orders {serials} were generated with it.',
  },
  'result.error': { ko: '처리하지 못했습니다: {message}', en: 'Could not do that: {message}' },

  // approvals
  'approval.requested': {
    ko: '{requester}님이 {action} {n}건을 요청했습니다 — 사유: {reason}',
    en: '{requester} wants to {action} {n} orders — reason: {reason}',
  },
  'approval.sent': {
    ko: '승인 요청 #{id}을 보냈습니다. 승인되면 알려드리겠습니다.',
    en: 'Sent approval request #{id}; you will hear when it is decided.',
  },
  'approval.approve': { ko: '승인', en: 'Approve' },
  'approval.reject': { ko: '반려', en: 'Reject' },
  'approval.approved': { ko: '✅ {decider}님이 승인했습니다', en: '✅ Approved by {decider}' },
  'approval.rejected': {
    ko: '❌ {decider}님이 반려했습니다 — 사유: {reason}',
    en: '❌ Rejected by {decider} — reason: {reason}',
  },
  'approval.expired': { ko: '⌛ 만료된 요청입니다', en: '⌛ This request expired' },
  'approval.toRequester.approved': {
    ko: '승인 요청 #{id}({action})이 {decider}님에게 승인되었습니다.',
    en: 'Your request #{id} ({action}) was approved by {decider}.',
  },
  'approval.toRequester.rejected': {
    ko: '승인 요청 #{id}({action})이 {decider}님에게 반려되었습니다 — 사유: {reason}',
    en: 'Your request #{id} ({action}) was rejected by {decider} — reason: {reason}',
  },
  'approval.list.title': { ko: '승인 대기 요청', en: 'Pending approvals' },
  'approval.list.empty': { ko: '승인 대기 중인 요청이 없습니다.', en: 'Nothing waits for approval.' },
  'approval.line': {
    ko: '#{id} {action} {n}건 · {requester} · {reason} · 만료 {expires}',
    en: '#{id} {action} {n} orders · {requester} · {reason} · expires {expires}',
  },
  'action.hold': { ko: '출고보류', en: 'hold' },
  'action.release': { ko: '보류해제', en: 'release' },
  'action.delete': { ko: '삭제', en: 'delete' },
  'action.restore': { ko: '복구', en: 'restore' },
  'action.claim': { ko: '클레임', en: 'claim' },
  'action.next': { ko: '다음단계', en: 'move to processing' },
  'action.batch_next': { ko: '일괄 다음단계', en: 'batch-move to processing' },
  'action.export': { ko: '엑셀 다운로드', en: 'export' },
  'action.edit': { ko: '배송 정보 수정', en: 'edit delivery' },

  // history
  'history.title': { ko: '주문수집 내역', en: 'Collection history' },
  'history.empty': { ko: '아직 주문수집 내역이 없습니다.', en: 'No collections yet.' },
  'history.line': {
    ko: '#{id} {from}~{to} · {status} · 수집 {fetched} · 신규 {created} · 중복 {duplicates} · 비매칭 {unmatched}',
    en: '#{id} {from}–{to} · {status} · fetched {fetched} · new {created} · duplicates {duplicates} · unmatched {unmatched}',
  },

  // forms
  'form.hold.title': { ko: '출고보류', en: 'Hold orders' },
  'form.delete.title': { ko: '주문서 삭제', en: 'Delete orders' },
  'form.claim.title': { ko: '클레임 등록', en: 'File a claim' },
  'form.batchNext.title': { ko: '일괄 주문서처리로', en: 'Batch next step' },
  'form.edit.title': { ko: '배송 정보 수정', en: 'Edit delivery' },
  'form.add.title': { ko: '주문서 추가', en: 'Add an order' },
  'form.reject.title': { ko: '승인 요청 반려', en: 'Reject request' },
  'form.submit': { ko: '확인', en: 'Submit' },
  'form.intro.serials': { ko: '대상 주문서: {serials}', en: 'Orders: {serials}' },
  'form.intro.packing': {
    ko: '합포장 기준에 맞는 주문서가 함께 처리됩니다.',
    en: 'Orders in the same packing group come along.',
  },
  'form.intro.ready': {
    ko: '출고준비 단계의 주문서는 취소 클레임만 가능합니다.',
    en: 'Orders ready to ship can only be cancelled.',
  },
  'form.intro.multiClaim': {
    ko: '다중 클레임에서는 상품 변경과 이미지 등록이 불가능합니다.',
    en: 'A multi-order claim cannot change the product or add images.',
  },
  'form.intro.edit': {
    ko: '수정한 정보는 쇼핑몰에 전송되지 않습니다.',
    en: 'The edit is not sent back to the mall.',
  },
  'form.intro.reject': { ko: '요청 #{id}: {summary}', en: 'Request #{id}: {summary}' },
  'field.reason': { ko: '사유', en: 'Reason' },
  'field.holdReason': { ko: '보류 사유', en: 'Hold reason' },
  'field.deleteReason': { ko: '삭제 사유', en: 'Delete reason' },
  'field.claimType': { ko: '클레임 타입', en: 'Claim type' },
  'field.newProduct': { ko: '교환 상품 (선택)', en: 'Replacement product (optional)' },
  'field.channels': { ko: '판매채널', en: 'Sales channels' },
  'field.channel': { ko: '판매채널', en: 'Sales channel' },
  'field.product': { ko: '상품 검색', en: 'Product' },
  'field.mallOrderNo': { ko: '쇼핑몰 주문번호 (선택)', en: 'Mall order no. (optional)' },
  'field.quantity': { ko: '수량', en: 'Quantity' },
  'field.unitPrice': { ko: '판매가 (원)', en: 'Unit price (KRW)' },
  'field.option': { ko: '옵션', en: 'Option' },
  'field.ordererName': { ko: '주문자명', en: 'Orderer name' },
  'field.ordererPhone': { ko: '주문자 연락처', en: 'Orderer phone' },
  'field.recipientName': { ko: '수취인명', en: 'Recipient name' },
  'field.recipientPhone': { ko: '수취인 연락처', en: 'Recipient phone' },
  'field.address': { ko: '주소', en: 'Address' },
  'field.zip': { ko: '우편번호', en: 'Zip code' },
  'field.deliveryMessage': { ko: '배송메시지', en: 'Delivery message' },
  'field.kind': { ko: '주문 구분', en: 'Order kind' },
  'claim.cancel': { ko: '취소', en: 'Cancel' },
  'claim.return': { ko: '반품', en: 'Return' },
  'claim.exchange': { ko: '교환', en: 'Exchange' },
  'error.required': { ko: '필수 입력입니다', en: 'required' },
  'error.number': { ko: '숫자를 입력하세요', en: 'enter a number' },
  'error.phone': {
    ko: '전화번호 형식이 아닙니다 (예: 010-1234-5678)',
    en: 'not a phone number (e.g. 010-1234-5678)',
  },
  'error.zip': { ko: '우편번호는 5자리 숫자입니다', en: 'a zip code has five digits' },
  'error.tooLong': { ko: '{max}자 이하로 입력하세요', en: 'at most {max} characters' },
  'error.choose': { ko: '하나 이상 선택하세요', en: 'choose at least one' },
  'error.expired': {
    ko: '이 화면이 만료되었습니다. 명령을 다시 입력하세요.',
    en: 'This screen expired; run the command again.',
  },
  'error.internal': {
    ko: '처리 중 문제가 생겼습니다. 잠시 후 다시 시도하세요.',
    en: 'Something went wrong on our side; please try again shortly.',
  },
  'console.welcome': {
    ko: 'OrderMate 콘솔 — Slack처럼 `/orders …` 명령을 입력하세요. `/orders help`, 종료는 `exit`.',
    en: 'OrderMate console — type `/orders …` as in Slack. `/orders help`; `exit` to leave.',
  },
  'console.hint': { ko: '버튼 대신: {hint}', en: 'instead of the buttons: {hint}' },
  'console.cancelled': { ko: '취소했습니다.', en: 'Cancelled.' },
} as const satisfies Record<string, Record<Locale, string>>;

export type MessageKey = keyof typeof messages;

export function t(locale: Locale, key: MessageKey, params: Record<string, string | number> = {}): string {
  const text: string = messages[key][locale];
  return text.replace(/\{(\w+)\}/g, (_, name: string) =>
    name in params ? String(params[name]) : `{${name}}`,
  );
}
